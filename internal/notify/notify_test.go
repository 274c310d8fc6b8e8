package notify

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

const (
	testPhone = "13812345678"
	testMask  = "138****5678"
	testSign  = "浦东消调委"
)

// memOutbox is an in-memory Outbox.
type memOutbox struct {
	mu      sync.Mutex
	entries []OutboxEntry
	err     error
}

func (o *memOutbox) AddOutbox(_ context.Context, e OutboxEntry) (int64, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return 0, o.err
	}
	o.entries = append(o.entries, e)
	return int64(len(o.entries)), nil
}

func (o *memOutbox) all() []OutboxEntry {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]OutboxEntry(nil), o.entries...)
}

func testHash(phone string) string {
	return "h:" + strings.Repeat("x", len(phone)) + phone[len(phone)-1:]
}

// syncBuffer is a bytes.Buffer safe for a logger used from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newLog() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

func TestOutboxSenderRecordsAndMasksLog(t *testing.T) {
	ob := &memOutbox{}
	log, buf := newLog()
	s := &OutboxSender{Outbox: ob, Hash: testHash, Log: log, Signature: testSign}
	code := "493817"
	rc, err := s.Send(context.Background(), Message{To: "+86 138-1234-5678", Body: VerifyCodeText(code, 5), Kind: KindVerifyCode})
	if err != nil {
		t.Fatal(err)
	}
	if rc.ID != "outbox-1" || rc.Provider != ProviderOutbox || rc.At.IsZero() {
		t.Errorf("receipt = %+v", rc)
	}
	es := ob.all()
	if len(es) != 1 {
		t.Fatalf("entries = %d", len(es))
	}
	e := es[0]
	want := "【浦东消调委】您的验证码为••••••，5分钟内有效。如非本人操作请忽略。" // the code stays off the outbox
	if e.Body != want {
		t.Errorf("body = %q, want %q", e.Body, want)
	}
	if e.ToMask != testMask || e.ToHash != testHash(testPhone) || e.Kind != KindVerifyCode ||
		e.Provider != ProviderOutbox || e.Status != StatusSent || e.Error != "" || e.At.IsZero() {
		t.Errorf("entry = %+v", e)
	}
	out := buf.String()
	for _, bad := range []string{testPhone, "1234-5678", code} {
		if strings.Contains(out, bad) {
			t.Errorf("log contains %q: %s", bad, out)
		}
	}
	for _, good := range []string{testMask, "******", "5分钟内有效", "outbox_id=1"} {
		if !strings.Contains(out, good) {
			t.Errorf("log lacks %q: %s", good, out)
		}
	}
}

func TestOutboxSenderLogsOtherTextsInFull(t *testing.T) {
	ob := &memOutbox{}
	log, buf := newLog()
	s := &OutboxSender{Outbox: ob, Hash: testHash, Log: log, Signature: testSign}
	text := ConsentRequestText("（2025）浦消调字第1024号", "https://t.example/c/AbC123")
	if _, err := s.Send(context.Background(), Message{To: testPhone, Body: text, Kind: KindConsentRequest, CaseID: 42}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "第1024号") || !strings.Contains(out, "case_id=42") || strings.Contains(out, testPhone) {
		t.Errorf("log = %s", out)
	}
	if e := ob.all()[0]; e.CaseID != 42 || e.Body != "【浦东消调委】"+text {
		t.Errorf("entry = %+v", e)
	}
}

func TestOutboxSenderCodeMaskedWhateverTheKind(t *testing.T) {
	log, buf := newLog()
	s := &OutboxSender{Outbox: &memOutbox{}, Log: log, Signature: testSign}
	if _, err := s.Send(context.Background(), Message{To: testPhone, Body: VerifyCodeText("0071", 10), Kind: "notice"}); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); strings.Contains(out, "0071") || !strings.Contains(out, "10分钟") {
		t.Errorf("log = %s", out)
	}
}

func TestOutboxSenderSignatureNotDoubled(t *testing.T) {
	ob := &memOutbox{}
	s := &OutboxSender{Outbox: ob, Log: slog.New(slog.DiscardHandler), Signature: testSign}
	if _, err := s.Send(context.Background(), Message{To: testPhone, Body: "【浦东消调委】您好。"}); err != nil {
		t.Fatal(err)
	}
	if e := ob.all()[0]; e.Body != "【浦东消调委】您好。" || e.Kind != KindNotice || e.ToHash != "" {
		t.Errorf("entry = %+v", e)
	}
}

func TestOutboxSenderRefusesAndRecordsBadMessages(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    Message
		want error
	}{
		{"bad phone", Message{To: "1381234567", Body: "您好"}, ErrInvalidPhone},
		{"not mobile", Message{To: "02112345678", Body: "您好"}, ErrInvalidPhone},
		{"empty", Message{To: testPhone, Body: "  "}, ErrEmptyBody},
		{"too long", Message{To: testPhone, Body: strings.Repeat("调", MaxContentRunes+1)}, ErrBodyTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ob := &memOutbox{}
			log, buf := newLog()
			s := &OutboxSender{Outbox: ob, Hash: testHash, Log: log, Signature: testSign}
			_, err := s.Send(context.Background(), tc.m)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			es := ob.all()
			if len(es) != 1 || es[0].Status != StatusFailed || es[0].Error != tc.want.Error() {
				t.Fatalf("entries = %+v", es)
			}
			if strings.Contains(buf.String(), tc.m.To) && len(tc.m.To) > 4 {
				t.Errorf("log shows the number: %s", buf.String())
			}
		})
	}
}

func TestOutboxSenderOutboxErrors(t *testing.T) {
	s := &OutboxSender{Log: slog.New(slog.DiscardHandler)}
	if _, err := s.Send(context.Background(), Message{To: testPhone, Body: "您好"}); !errors.Is(err, ErrNoOutbox) {
		t.Errorf("no outbox: err = %v", err)
	}
	boom := errors.New("disk full")
	s.Outbox = &memOutbox{err: boom}
	_, err := s.Send(context.Background(), Message{To: testPhone, Body: "您好"})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "发件箱") {
		t.Errorf("outbox failure: err = %v", err)
	}
}

func TestTexts(t *testing.T) {
	if got, want := VerifyCodeText("123456", 5), "您的验证码为123456，5分钟内有效。如非本人操作请忽略。"; got != want {
		t.Errorf("VerifyCodeText = %q, want %q", got, want)
	}
	num, link := "（2025）浦消调字第0815号", "https://tj.example.cn/c/Q7mK2x"
	for name, text := range map[string]string{
		"request":  ConsentRequestText(num, link),
		"reminder": ConsentReminderText(num, link),
	} {
		if !strings.Contains(text, num) || !strings.Contains(text, " "+link+" ") {
			t.Errorf("%s: %q lacks case number or space-separated link", name, text)
		}
		if !strings.Contains(text, "权利义务告知书") || !strings.Contains(text, "同意调解") {
			t.Errorf("%s: %q does not ask for consent", name, text)
		}
		// With the signature, a text should fit two concatenated SMS parts
		// (67 characters each).
		if n := utf8.RuneCountInString(withSignature(text, testSign)); n > 2*67 {
			t.Errorf("%s: %d runes, more than two SMS parts", name, n)
		}
	}
	if ConsentRequestText(num, link) == ConsentReminderText(num, link) {
		t.Error("request and reminder texts are the same")
	}
}

func TestNewCode(t *testing.T) {
	seen := map[rune]bool{}
	for range 200 {
		c := NewCode(6)
		if len(c) != 6 {
			t.Fatalf("len(%q) = %d", c, len(c))
		}
		for _, r := range c {
			if r < '0' || r > '9' {
				t.Fatalf("%q has a non-digit", c)
			}
			seen[r] = true
		}
	}
	if len(seen) != 10 {
		t.Errorf("only %d distinct digits in 1200", len(seen))
	}
	if len(NewCode(0)) != 6 || len(NewCode(4)) != 4 {
		t.Error("NewCode lengths")
	}
	if NewCode(12) == NewCode(12) {
		t.Error("two 12-digit codes are equal")
	}
}

func TestMaskDigitRuns(t *testing.T) {
	for in, want := range map[string]string{
		"":               "",
		"验证码123456，5分钟":  "验证码******，5分钟",
		"1234":           "******",
		"123":            "123",
		"a12345b6789c01": "a******b******c01",
		"【浦东】验证码为009900。10分钟": "【浦东】验证码为******。10分钟",
	} {
		if got := maskDigitRuns(in, 4, codeMask); got != want {
			t.Errorf("maskDigitRuns(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskPhones(t *testing.T) {
	for in, want := range map[string]string{
		"号码13812345678已退订":  "号码138****5678已退订",
		"13812345678":       "138****5678",
		"订单123456789012345": "订单123456789012345",
		"错误码40001":          "错误码40001",
		"a 19912345678, b":  "a 199****5678, b",
		"23812345678":       "23812345678",
	} {
		if got := maskPhones(in); got != want {
			t.Errorf("maskPhones(%q) = %q, want %q", in, got, want)
		}
	}
}

func newDiscard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// What staff read of a text keeps neither a code nor a party's link.
func TestShown(t *testing.T) {
	for in, want := range map[string]string{
		"您的验证码为493817，5分钟内有效。":                           "您的验证码为••••••，5分钟内有效。",
		"您正在查询案件（2026-0042）的办理进度，您的验证码为0071。":            "您正在查询案件（2026-0042）的办理进度，您的验证码为••••••。",
		"请点击 https://t.example/consent/AbCdEfGh12345 阅读": "请点击 https://t.example/consent/… 阅读",
		"在线调解 https://t.example/p/Zz_-0123456789 ":       "在线调解 https://t.example/p/… ",
		"定于12月3日14时召开调解会。":                               "定于12月3日14时召开调解会。",
	} {
		if got := Shown(in); got != want {
			t.Errorf("Shown(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Redact(`{"phone":"13812345678","link":"/sign/AbCdEfGh12345"}`); strings.Contains(got, "13812345678") || strings.Contains(got, "AbCdEfGh12345") {
		t.Errorf("Redact = %q", got)
	}
}
