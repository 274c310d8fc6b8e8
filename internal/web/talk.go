package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/conversation"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evidence"
)

// MaxEvidenceBody is the request limit of evidence uploads: the file and the form around it.
const MaxEvidenceBody = evidence.MaxSize + 1<<20

// StreamPoll is how often a live stream looks for news it was not woken
// for and keeps the line alive. Other instances wake it through the hub's
// relay; this look is the backstop when a notification was lost.
const StreamPoll = 10 * time.Second

func wantsJSON(r *http.Request) bool { return r.Header.Get("Accept") == "application/json" }

// talkDone answers a successful conversation request.
func (pg *Pages) talkDone(w http.ResponseWriter, r *http.Request, rd conversation.Reader, err error, msg string) {
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	if wantsJSON(r) {
		writeJSONBody(w, http.StatusOK, map[string]string{"message": msg})
		return
	}
	if rd.Token == "" && pg.Sessions != nil {
		pg.flash(r, msg)
	}
	http.Redirect(w, r, rd.Base(), http.StatusSeeOther)
}

// staffReader and partyReader find who is reading, or answer the refusal.
func (pg *Pages) staffReader(w http.ResponseWriter, r *http.Request) (conversation.Reader, bool) {
	rd, err := pg.Talk.ForStaff(r.Context(), auth.From(r.Context()), mustID(r.PathValue("id")))
	if err != nil {
		pg.failErr(w, r, err)
		return rd, false
	}
	return rd, true
}

func (pg *Pages) partyReader(w http.ResponseWriter, r *http.Request) (conversation.Reader, bool) {
	rd, err := pg.Talk.ForParty(r.Context(), r.PathValue("token"))
	if err != nil {
		pg.failErr(w, r, err)
		return rd, false
	}
	return rd, true
}

func (pg *Pages) reader(w http.ResponseWriter, r *http.Request) (conversation.Reader, bool) {
	if r.PathValue("token") != "" {
		return pg.partyReader(w, r)
	}
	return pg.staffReader(w, r)
}

// TalkPage is the conversation page: the mediator's desk view or the party's phone page.
func (pg *Pages) TalkPage(w http.ResponseWriter, r *http.Request) {
	rd, ok := pg.reader(w, r)
	if !ok {
		return
	}
	v, err := pg.Talk.Load(r.Context(), rd)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	if rd.Token != "" {
		o, err := pg.Talk.Outlook(r.Context(), v)
		if err != nil {
			pg.serverError(w, r, err)
			return
		}
		pg.render(w, r, http.StatusOK, "party", "我的调解 "+rd.Case.Number, partyView{View: v, Outlook: o})
		return
	}
	pg.render(w, r, http.StatusOK, "talk", "在线调解 "+rd.Case.Number, v)
}

// partyView is the party's page: the conversation plus their claim, dates and next step.
type partyView struct {
	conversation.View
	Outlook conversation.Outlook
}

// TalkEvents streams new messages as server-sent events. A reconnecting
// browser sends Last-Event-ID and gets what it missed.
func (pg *Pages) TalkEvents(w http.ResponseWriter, r *http.Request) {
	rd, ok := pg.reader(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{}) // the server's write timeout would cut the stream
	last, _ := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	if last == 0 {
		last, _ = strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	}
	wake, stop := pg.Talk.Hub.Subscribe(rd.Case.ID)
	defer stop()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 3000\n\n")
	tick := time.NewTicker(StreamPoll)
	defer tick.Stop()
	// PostgreSQL hands out ids before commit, so a message may become
	// visible after a higher one was sent: each look re-reads a window below
	// the last id and sends what it has not sent yet. What the browser had
	// when it connected (up to Last-Event-ID) is never sent again.
	floor, sent := last, map[int64]bool{}
	for {
		if !pg.stillReads(ctx, r, rd) {
			return // link replaced, mediator removed, case gone: the stream ends
		}
		from := max(floor, last-streamOverlap)
		for {
			items, err := pg.Talk.Since(ctx, rd, from)
			if err != nil {
				if ctx.Err() == nil {
					pg.Log.Error("conversation stream", "case", rd.Case.ID, "err", err)
				}
				return
			}
			for _, it := range items {
				if sent[it.ID] {
					continue
				}
				b, _ := json.Marshal(it)
				fmt.Fprintf(w, "id: %d\ndata: %s\n\n", it.ID, b)
				sent[it.ID], last = true, max(last, it.ID)
			}
			if len(items) < 500 {
				break
			}
			from = items[len(items)-1].ID
		}
		for id := range sent {
			if id <= last-streamOverlap {
				delete(sent, id)
			}
		}
		fmt.Fprint(w, ": keep-alive\n\n")
		if rc.Flush() != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-pg.Talk.Hub.Done():
			return
		case <-wake:
		case <-tick.C:
		}
	}
}

// streamOverlap is how far below the last sent id a stream looks again.
const streamOverlap = 1000

// stillReads reports whether the stream's reader may still read: a party's
// link not replaced; staff still signed in, active and on the case.
func (pg *Pages) stillReads(ctx context.Context, r *http.Request, rd conversation.Reader) bool {
	var now conversation.Reader
	var err error
	if rd.Token != "" {
		now, err = pg.Talk.ForParty(ctx, rd.Token)
	} else {
		// Signing out (or the session running out) ends the stream, as does a disabled account.
		if pg.Sessions != nil {
			ck, cerr := r.Cookie(pg.Sessions.Cookie.Name)
			if cerr != nil {
				return false
			}
			if live, ferr := pg.Auth.SessionLive(ctx, ck.Value); ferr != nil || !live {
				return false
			}
		}
		p, perr := pg.Auth.PrincipalByID(ctx, rd.UserID)
		if perr != nil {
			return false
		}
		now, err = pg.Talk.ForStaff(ctx, p, rd.Case.ID)
	}
	return err == nil && now.Case.ID == rd.Case.ID && now.Kind == rd.Kind
}

// PartyAgreement gives a party their copy of the effective agreement.
func (pg *Pages) PartyAgreement(w http.ResponseWriter, r *http.Request) {
	rd, ok := pg.partyReader(w, r)
	if !ok {
		return
	}
	pdf, sha, err := pg.Talk.PartyDocument(r.Context(), rd)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "调解协议书" + rd.Case.Number + ".pdf"}))
	w.Header().Set("X-Content-SHA256", sha)
	w.Write(pdf)
}

// PartyTermination gives a party the termination notice addressed to them.
func (pg *Pages) PartyTermination(w http.ResponseWriter, r *http.Request) {
	rd, ok := pg.partyReader(w, r)
	if !ok {
		return
	}
	evs, committee, err := pg.Talk.Termination(r.Context(), rd)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, no-store")
	pg.writeTermination(w, r, rd.Case, evs, committee, rd.Kind)
}

// TalkPost sends a message.
func (pg *Pages) TalkPost(w http.ResponseWriter, r *http.Request) {
	rd, ok := pg.reader(w, r)
	if !ok {
		return
	}
	_, err := pg.Talk.Post(r.Context(), rd, r.PostFormValue("channel"), r.PostFormValue("body"))
	pg.talkDone(w, r, rd, err, "已发送。")
}

// TalkUpload receives an evidence file.
func (pg *Pages) TalkUpload(w http.ResponseWriter, r *http.Request) {
	rd, ok := pg.reader(w, r)
	if !ok {
		return
	}
	data, name, err := formFile(r, "file", evidence.MaxSize)
	if err == nil {
		_, err = pg.Talk.Upload(r.Context(), rd, r.FormValue("channel"), name, data, r.FormValue("note"))
	}
	pg.talkDone(w, r, rd, err, "证据已上传。")
}

// BadText reports a value no person types: bytes that are not UTF-8, a NUL
// (PostgreSQL cannot store it), other control characters, bidi controls
// (CheckValues). Refusing them at the door keeps both engines alike.
func BadText(v url.Values) bool { return CheckValues(v) != nil }

// formFile reads one uploaded file whole, refusing what is too large; the
// form's other fields, parsed with it, are checked as BadText.
func formFile(r *http.Request, field string, limit int64) ([]byte, string, error) {
	f, hdr, err := r.FormFile(field)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, "", &domain.FieldError{Field: field, Message: "文件不能超过10MB"}
		}
		return nil, "", &domain.FieldError{Field: field, Message: "请选择要上传的文件"}
	}
	defer f.Close()
	if r.MultipartForm != nil {
		if fe := CheckValues(r.MultipartForm.Value); fe != nil {
			return nil, "", fe
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, "", &domain.FieldError{Field: field, Message: "文件读取失败，请重新上传"}
	}
	return data, hdr.Filename, nil
}

// TalkEvidence serves an evidence file to a reader of its channel.
func (pg *Pages) TalkEvidence(w http.ResponseWriter, r *http.Request) {
	rd, ok := pg.reader(w, r)
	if !ok {
		return
	}
	e, err := pg.Talk.Evidence(r.Context(), rd, mustID(r.PathValue("eid")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	// Pictures show in the conversation; a PDF a party uploaded is downloaded,
	// never rendered on our origin, and nothing uploaded may run script here.
	disposition := "inline"
	if e.ContentType == evidence.TypePDF {
		disposition = "attachment"
	}
	w.Header().Set("Content-Type", e.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": e.Name}))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
	w.Header().Set("X-Content-SHA256", e.SHA256)
	w.Write(e.Data)
}

// TalkPropose puts terms to the parties (mediators).
func (pg *Pages) TalkPropose(w http.ResponseWriter, r *http.Request) {
	rd, ok := pg.staffReader(w, r)
	if !ok {
		return
	}
	terms, err := termsFromForm(r.PostForm)
	if err == nil {
		_, err = pg.Talk.Propose(r.Context(), rd, r.PostFormValue("channel"), terms, r.PostFormValue("note"))
	}
	pg.talkDone(w, r, rd, err, "已提出调解方案。")
}

// TalkAnswer is a party accepting or countering a proposal.
func (pg *Pages) TalkAnswer(w http.ResponseWriter, r *http.Request) {
	rd, ok := pg.partyReader(w, r)
	if !ok {
		return
	}
	answer, err := choice(r, "answer", "accept", "counter")
	if err == nil {
		_, err = pg.Talk.Answer(r.Context(), rd, mustID(r.PathValue("pid")), answer == "accept", r.PostFormValue("counter"))
	}
	pg.talkDone(w, r, rd, err, "已答复。")
}

// TalkConfirmRecord is a party confirming a session record online.
func (pg *Pages) TalkConfirmRecord(w http.ResponseWriter, r *http.Request) {
	rd, ok := pg.partyReader(w, r)
	if !ok {
		return
	}
	pg.talkDone(w, r, rd, pg.Talk.ConfirmRecord(r.Context(), rd, mustID(r.PathValue("sid"))), "已确认调解笔录。")
}

// TalkJoinAnswer is a party answering whether an expert may join.
func (pg *Pages) TalkJoinAnswer(w http.ResponseWriter, r *http.Request) {
	rd, ok := pg.partyReader(w, r)
	if !ok {
		return
	}
	answer, err := choice(r, "answer", "agree", "refuse")
	if err == nil {
		err = pg.Talk.AnswerExpertJoin(r.Context(), rd, mustID(r.PathValue("kid")), answer == "agree")
	}
	pg.talkDone(w, r, rd, err, "已答复。")
}

// TalkInvite sends the parties their links (mediators).
func (pg *Pages) TalkInvite(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	inv, err := pg.Talk.Invite(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	msg := fmt.Sprintf("已排队向%d位当事人发送在线调解链接短信。", inv.Sent)
	if len(inv.Failed) > 0 {
		msg += "发给" + strings.Join(inv.Failed, "、") + "的短信未能排队（手机号码无效），原链接仍然有效。"
	}
	pg.flash(r, msg)
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10)+"/talk", http.StatusSeeOther)
}

// PaperRecordConfirmation files a record a party signed on paper.
func (pg *Pages) PaperRecordConfirmation(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	if _, err := pg.Talk.ForMediator(r.Context(), auth.From(r.Context()), id); err != nil { // who may, before reading the file
		pg.mediationDone(w, r, id, err, "")
		return
	}
	data, name, err := formFile(r, "file", evidence.MaxSize)
	if err == nil {
		err = pg.Talk.RecordPaperConfirmation(r.Context(), auth.From(r.Context()), id, mustID(r.PathValue("sid")), r.FormValue("party"), name, data)
	}
	pg.mediationDone(w, r, id, err, "已上传当事人签字确认的调解笔录。")
}

// ExpertJoin asks the parties to let an expert join; ExpertJoinAnswer
// records a party's answer given in person or by phone.
func (pg *Pages) ExpertJoin(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	err := pg.Talk.RequestExpertJoin(r.Context(), auth.From(r.Context()), id, mustID(r.PathValue("kid")))
	pg.mediationDone(w, r, id, err, "已征求双方当事人对专家参与调解的意见。")
}

func (pg *Pages) ExpertJoinAnswer(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	if _, ok := pg.staffReader(w, r); !ok { // who may, before what was asked
		return
	}
	answer, err := choice(r, "answer", "agree", "refuse")
	if err == nil {
		err = pg.Talk.RecordExpertJoinAnswer(r.Context(), auth.From(r.Context()), id, mustID(r.PathValue("kid")),
			r.PostFormValue("party"), answer == "agree")
	}
	pg.mediationDone(w, r, id, err, "已记录当事人的意见。")
}

// CoMediator adds or removes a co-mediator.
func (pg *Pages) CoMediator(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	if _, err := pg.CaseFile.Authorize(r.Context(), auth.From(r.Context()), id, true); err != nil { // who may, before what was asked
		pg.mediationDone(w, r, id, err, "")
		return
	}
	action, err := choice(r, "action", "add", "remove")
	if err == nil {
		_, err = pg.Assignment.SetCoMediator(r.Context(), auth.From(r.Context()), id, mustID(r.PostFormValue("user")), action == "remove")
	}
	pg.mediationDone(w, r, id, err, "已调整本案调解员。")
}

// choice reads a form field that must be one of the given values.
func choice(r *http.Request, field string, allowed ...string) (string, error) {
	v := r.PostFormValue(field)
	if slices.Contains(allowed, v) {
		return v, nil
	}
	return "", &domain.FieldError{Field: field, Message: "请选择一项后再提交"}
}

// termsFromForm reads up to five terms (party_i, content_i, amount_i in
// yuan, manner_i, deadline_i); blank rows are skipped.
func termsFromForm(f url.Values) ([]domain.Term, error) {
	var terms []domain.Term
	for i := 0; i < 5; i++ {
		k := strconv.Itoa(i)
		if f.Get("content_"+k) == "" && f.Get("amount_"+k) == "" {
			continue
		}
		fen, err := domain.ParseYuan(f.Get("amount_" + k))
		if err != nil {
			return nil, err
		}
		terms = append(terms, domain.Term{Party: f.Get("party_" + k), Content: f.Get("content_" + k), AmountFen: fen,
			Manner: f.Get("manner_" + k), Deadline: f.Get("deadline_" + k), Kind: f.Get("kind_" + k)})
	}
	return terms, nil
}
