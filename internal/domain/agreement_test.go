package domain

import (
	"strings"
	"testing"
	"time"
)

func TestValidateAgreement(t *testing.T) {
	today := time.Date(2026, 5, 6, 2, 0, 0, 0, time.UTC)
	good := AgreementContent{Facts: "消费者在健身房办理年卡后健身房闭店，双方就退款金额发生争议。", Responsibility: "经营者承担退款责任。",
		Terms: []Term{{Party: "merchant", Content: "退还预付卡余额", AmountFen: 180000, Manner: "银行转账", Deadline: "2026-05-20"}}}
	if errs := ValidateAgreement(good, today); len(errs) != 0 {
		t.Fatalf("good agreement refused: %v", errs[0])
	}
	vague := good
	vague.Terms = []Term{{Party: "merchant", Content: "适当补偿", AmountFen: 0, Manner: "", Deadline: "尽快"}}
	errs := ValidateAgreement(vague, today)
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Message)
	}
	all := strings.Join(msgs, "|")
	for _, want := range []string{"具体金额", "履行方式", "履行期限"} {
		if !strings.Contains(all, want) {
			t.Errorf("vague term: no %q in %s", want, all)
		}
	}
	past := good
	past.Terms = []Term{{Party: "consumer", Content: "退回会员卡", AmountFen: 100, Manner: "现场交付", Deadline: "2026-05-05"}}
	if errs := ValidateAgreement(past, today); len(errs) != 1 || !strings.Contains(errs[0].Message, "早于") {
		t.Fatalf("past deadline: %v", errs)
	}
	if errs := ValidateAgreement(AgreementContent{}, today); len(errs) != 3 {
		t.Fatalf("empty agreement: %d errors", len(errs))
	}
	bad := good
	bad.Terms = []Term{{Party: "court", Content: "x", AmountFen: 1, Manner: "x", Deadline: "2026-06-01"}}
	if errs := ValidateAgreement(bad, today); len(errs) != 1 || !strings.Contains(errs[0].Message, "当事人") {
		t.Fatalf("unknown party: %v", errs)
	}
}

func TestCaseFile(t *testing.T) {
	agreed := FileFacts{Status: StatusFollowedUp, Consented: true, SessionsHeld: 1, HasAgreement: true, AllPerformed: true, FollowUpDone: true, Mediated: true}
	if ok, missing := FileComplete(CaseFile(agreed)); !ok {
		t.Fatalf("complete agreed file: %v", missing)
	}
	agreed.JudicialApplied = true
	if ok, missing := FileComplete(CaseFile(agreed)); ok || len(missing) != 1 || missing[0] != "司法确认材料" {
		t.Fatalf("archived before the court's ruling: %v", missing)
	}
	agreed.JudicialDecided = true
	if ok, missing := FileComplete(CaseFile(agreed)); !ok {
		t.Fatalf("ruling on file: %v", missing)
	}
	agreed.FollowUpDone, agreed.SessionsHeld = false, 0
	if ok, missing := FileComplete(CaseFile(agreed)); ok || len(missing) != 2 {
		t.Fatalf("missing follow-up and record: %v", missing)
	}
	term := FileFacts{Status: StatusTerminated, Consented: true, Mediated: false}
	if ok, missing := FileComplete(CaseFile(term)); ok || missing[0] != "终止调解告知书及送达记录" {
		t.Fatalf("terminated without notice: %v", missing)
	}
	term.NoticeDelivered = true
	if ok, _ := FileComplete(CaseFile(term)); !ok {
		t.Fatal("terminated with notice delivered")
	}
	if ok, _ := FileComplete(CaseFile(FileFacts{Rejected: true})); !ok {
		t.Fatal("rejected file")
	}
	if ok, _ := FileComplete(CaseFile(FileFacts{Withdrawn: true})); !ok {
		t.Fatal("withdrawn before consent")
	}
}
