package conversation

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evidence"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Item is one message as the page's script receives it (JSON).
type Item struct {
	ID       int64        `json:"id"`
	Channel  string       `json:"channel"`
	Label    string       `json:"label"` // the channel, as this reader calls it
	Author   string       `json:"author"`
	Name     string       `json:"name"`
	Body     string       `json:"body"`
	At       string       `json:"at"`
	Mine     bool         `json:"mine"`
	Evidence *EvidenceRef `json:"evidence,omitempty"`
	Proposal int64        `json:"proposal,omitempty"`
}

// EvidenceRef links a message to its file.
type EvidenceRef struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	URL   string `json:"url"`
	Image bool   `json:"image"`
}

// Base is the path under which the reader's conversation pages live.
func (r Reader) Base() string {
	if r.Token != "" {
		return "/p/" + r.Token
	}
	return "/cases/" + strconv.FormatInt(r.Case.ID, 10) + "/talk"
}

// ChannelLabel names a channel as this reader sees it: a party's caucus is
// their private line to the mediator.
func (r Reader) ChannelLabel(channel string) string {
	if channel != store.ChannelJoint && (r.Kind == KindConsumer || r.Kind == KindMerchant) {
		return "仅调解员可见"
	}
	return ChannelLabel(channel)
}

func (r Reader) mine(m store.Message) bool {
	if r.UserID != 0 {
		return m.AuthorID == r.UserID
	}
	return m.Author == r.Kind
}

// Since returns the messages the reader may see after id (all when 0).
func (s *Service) Since(ctx context.Context, r Reader, after int64) ([]Item, error) {
	ms, err := s.Store.ListMessages(ctx, store.MessageQuery{CaseID: r.Case.ID, Channels: Channels(r.Kind), AfterID: after})
	if err != nil {
		return nil, err
	}
	var ev map[int64]store.Evidence
	out := make([]Item, 0, len(ms))
	for _, m := range ms {
		it := Item{ID: m.ID, Channel: m.Channel, Label: r.ChannelLabel(m.Channel), Author: m.Author, Name: m.AuthorName, Body: m.Body, Mine: r.mine(m),
			At: m.Created.In(calendar.Shanghai()).Format("01-02 15:04"), Proposal: m.ProposalID}
		if m.EvidenceID != 0 {
			if ev == nil {
				ev = map[int64]store.Evidence{}
				es, err := s.Store.ListEvidence(ctx, r.Case.ID)
				if err != nil {
					return nil, err
				}
				for _, e := range es {
					ev[e.ID] = e
				}
			}
			if e, ok := ev[m.EvidenceID]; ok {
				it.Evidence = &EvidenceRef{ID: e.ID, Name: e.Name, Type: e.ContentType, Image: e.ContentType != evidence.TypePDF,
					URL: r.Base() + "/evidence/" + strconv.FormatInt(e.ID, 10)}
			}
		}
		out = append(out, it)
	}
	return out, nil
}

// ProposalView is a proposal with what the reader may do about it.
type ProposalView struct {
	store.Proposal
	Text      string
	CanAnswer bool
	Mine      *store.ProposalAnswer
}

// RecordView is a held session's record and who has confirmed it.
type RecordView struct {
	Session    store.Session
	Confirmed  map[string]store.RecordConfirmation
	CanConfirm bool // the reading party has yet to confirm
}

// View is everything the conversation page shows.
type View struct {
	Reader    Reader
	Open      bool
	Channels  []string
	Items     []Item
	Proposals []ProposalView
	Evidence  []store.Evidence
	Records   []RecordView
	Joins     []store.Consultation // experts asking to join, for the parties to answer
	Mediators []store.CaseMediator
	Links     []store.PartyLink // mediators: who has been invited
	Docs      PartyDocs         // parties: their papers
	Now       time.Time
}

// PartyDocs are the papers a party gets on their page.
type PartyDocs struct {
	SignURL      string // the written agreement awaits this party's signature
	AgreementPDF string // the effective written agreement
	NoticePDF    string // the termination notice addressed to this party
}

// Load gathers the reader's view of the case.
func (s *Service) Load(ctx context.Context, r Reader) (View, error) {
	v := View{Reader: r, Open: Open(r.Case.Status), Channels: Channels(r.Kind), Now: s.now()}
	var err error
	if v.Items, err = s.Since(ctx, r, 0); err != nil {
		return v, err
	}
	ps, err := s.Store.ListProposals(ctx, r.Case.ID)
	if err != nil {
		return v, err
	}
	for _, p := range ps {
		if !CanUse(r.Kind, p.Channel) || (p.Status == "superseded" && r.Kind != KindMediator) {
			continue // parties see only the terms that still stand
		}
		pv := ProposalView{Proposal: p, Text: TermsText(p.Terms)}
		for i := range p.Answers {
			if p.Answers[i].Party == r.Kind {
				pv.Mine = &p.Answers[i]
			}
		}
		pv.CanAnswer = v.Open && p.Status == "open" && pv.Mine == nil && Addressed(r.Kind, p.Channel)
		v.Proposals = append(v.Proposals, pv)
	}
	es, err := s.Store.ListEvidence(ctx, r.Case.ID)
	if err != nil {
		return v, err
	}
	for _, e := range es {
		if CanUse(r.Kind, e.Channel) {
			v.Evidence = append(v.Evidence, e)
		}
	}
	if v.Records, err = s.records(ctx, r); err != nil {
		return v, err
	}
	if r.Kind == KindConsumer || r.Kind == KindMerchant {
		ks, err := s.Store.ListConsultations(ctx, r.Case.ID)
		if err != nil {
			return v, err
		}
		for _, k := range ks {
			if k.JoinRequestedAt != nil && joinAnswer(k, r.Kind) == "" {
				v.Joins = append(v.Joins, k)
			}
		}
	}
	if v.Mediators, err = s.Store.ListCaseMediators(ctx, r.Case.ID); err != nil {
		return v, err
	}
	if r.Kind == KindMediator {
		if v.Links, err = s.Store.ListPartyLinks(ctx, r.Case.ID); err != nil {
			return v, err
		}
	}
	if r.Kind == KindConsumer || r.Kind == KindMerchant {
		if v.Docs, err = s.partyDocs(ctx, r); err != nil {
			return v, err
		}
	}
	return v, nil
}

// partyDocs finds what the party should sign or may download.
func (s *Service) partyDocs(ctx context.Context, r Reader) (PartyDocs, error) {
	var d PartyDocs
	c := r.Case
	if domain.EndedByTermination(c.Status, c.ReasonCode) {
		d.NoticePDF = r.Base() + "/termination.pdf"
	}
	a, err := s.Store.GetAgreement(ctx, c.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && a.Kind != "written") {
		return d, nil
	} else if err != nil {
		return d, err
	}
	if a.EffectiveAt != nil {
		d.AgreementPDF = r.Base() + "/agreement.pdf"
		return d, nil
	}
	sg, err := s.Store.ListSignatures(ctx, c.ID)
	if err != nil {
		return d, err
	}
	for _, x := range sg {
		if x.Signer == r.Kind {
			return d, nil
		}
	}
	ls, err := s.Store.ListSignTokens(ctx, c.ID)
	if err != nil {
		return d, err
	}
	for _, l := range ls { // newest first
		if l.Party == r.Kind {
			if tok, err := s.Sealer.Open(l.TokenSealed); err == nil {
				d.SignURL = "/sign/" + tok
			}
			break
		}
	}
	return d, nil
}

func (s *Service) records(ctx context.Context, r Reader) ([]RecordView, error) {
	ss, err := s.Store.ListSessions(ctx, store.SessionQuery{CaseID: r.Case.ID, Status: "held"})
	if err != nil {
		return nil, err
	}
	cs, err := s.Store.ListRecordConfirmations(ctx, r.Case.ID)
	if err != nil {
		return nil, err
	}
	var out []RecordView
	for _, m := range ss {
		rv := RecordView{Session: m, Confirmed: map[string]store.RecordConfirmation{}}
		for _, c := range cs {
			if c.SessionID == m.ID {
				rv.Confirmed[c.Party] = c
			}
		}
		_, done := rv.Confirmed[r.Kind]
		rv.CanConfirm = (r.Kind == KindConsumer || r.Kind == KindMerchant) && !done && m.Record != ""
		out = append(out, rv)
	}
	return out, nil
}
