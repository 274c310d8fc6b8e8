package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// OnlineCases is how many of mediator01's cases under mediation the demo
// puts into online mediation, with a conversation, evidence and a proposal.
const OnlineCases = 2

// PartyLink is a party's online-mediation link, printed at demo start so
// the party's phone page can be opened without an SMS.
type PartyLink struct {
	CaseNumber string
	Party      string
	Path       string // /p/{token}
}

// attachConversations makes mediator01 the presiding mediator of the most
// recent cases under mediation in their room and opens online mediation on
// them: both parties' links, a joint and caucus conversation, a receipt
// photo as evidence and terms awaiting the parties' answers.
func attachConversations(ctx context.Context, st store.Store, sealer *pii.Sealer, now time.Time) ([]PartyLink, error) {
	me, err := st.GetUserByUsername(ctx, "mediator01")
	if err != nil {
		return nil, fmt.Errorf("demo: mediator01: %w", err)
	}
	bs, err := st.ListBindings(ctx, me.ID)
	if err != nil || len(bs) == 0 {
		return nil, fmt.Errorf("demo: bindings of mediator01: %v", err)
	}
	room, err := st.GetOrgUnit(ctx, bs[0].OrgID)
	if err != nil {
		return nil, fmt.Errorf("demo: room of mediator01: %w", err)
	}
	committee, err := st.GetOrgUnit(ctx, room.ParentID)
	if err != nil {
		return nil, fmt.Errorf("demo: committee: %w", err)
	}
	// The committee's newest cases under mediation; those of other rooms are
	// moved to mediator01's room so the demo account has them on its desk.
	page, err := st.ListCases(ctx, store.CaseQuery{Scope: store.Scope{Prefixes: []string{committee.Path}}, Statuses: []domain.Status{domain.StatusMediating}, Limit: 10 * OnlineCases})
	if err != nil {
		return nil, fmt.Errorf("demo: mediating cases: %w", err)
	}
	var links []PartyLink
	taken := 0
	for _, c := range page.Cases {
		// The conversation starts four hours ago: cases with a later event are left alone.
		evs, err := st.ListEvents(ctx, c.ID)
		if err != nil {
			return nil, fmt.Errorf("demo: events of %s: %w", c.Number, err)
		}
		if taken == OnlineCases || (len(evs) > 0 && !evs[len(evs)-1].At.Before(now.Add(-4*time.Hour))) {
			continue
		}
		taken++
		if c.RoomID != room.ID {
			if c, err = st.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{RoomID: &room.ID}, store.Event{Type: "reroute", ActorName: "系统",
				At: now.Add(-4 * time.Hour), Note: "演示数据：改派至" + room.Name}); err != nil {
				return nil, fmt.Errorf("demo: move %s: %w", c.Number, err)
			}
		}
		if _, err := st.AssignCase(ctx, c.ID, c.Version, []int64{me.ID}, 0, store.CaseChange{},
			store.Event{Type: "reassign", ActorName: "系统", At: now.Add(-3 * time.Hour), Note: "演示数据：改由" + me.DisplayName + "主持调解",
				Data: fmt.Sprintf(`{"mediator_id":%d}`, me.ID)}); err != nil {
			return nil, fmt.Errorf("demo: presiding mediator of %s: %w", c.Number, err)
		}
		for _, party := range []string{"consumer", "merchant"} {
			b := make([]byte, 24)
			rand.Read(b)
			tok := base64.RawURLEncoding.EncodeToString(b)
			if err := st.PutPartyLink(ctx, c.ID, party, auth.HashToken(tok), sealer.Seal(tok), now.Add(-3*time.Hour)); err != nil {
				return nil, fmt.Errorf("demo: party link of %s: %w", c.Number, err)
			}
			links = append(links, PartyLink{CaseNumber: c.Number, Party: party, Path: "/p/" + tok})
		}
		consumer := "消费者 " + domain.MaskName(c.ConsumerName)
		merchant := "经营者 " + c.MerchantName
		at := now.Add(-150 * time.Minute)
		say := func(channel, author, name, body string, evidence int64) error {
			at = at.Add(7 * time.Minute)
			m := store.Message{CaseID: c.ID, Channel: channel, Author: author, AuthorName: name, Body: body, EvidenceID: evidence, Created: at}
			if author == "mediator" {
				m.AuthorID = me.ID
			}
			return st.AddMessage(ctx, &m)
		}
		photo := receiptPNG()
		sum := sha256.Sum256(photo)
		ev := store.Evidence{CaseID: c.ID, Channel: store.ChannelJoint, Uploader: "consumer", Name: "付款凭证.png", ContentType: "image/png",
			SHA256: hex.EncodeToString(sum[:]), Data: photo}
		if err := st.AddEvidence(ctx, &ev); err != nil {
			return nil, fmt.Errorf("demo: evidence of %s: %w", c.Number, err)
		}
		steps := []struct {
			channel, author, name, body string
			evidence                    int64
		}{
			{store.ChannelJoint, "system", "系统", "调解员" + me.DisplayName + "已开启在线调解。请文明沟通，如实陈述；单独沟通的内容对方看不到。", 0},
			{store.ChannelJoint, "mediator", "调解员 " + me.DisplayName, "双方好，我是本案调解员。请消费者先说明诉求，经营者随后说明情况。", 0},
			{store.ChannelJoint, "consumer", consumer, c.Claim, 0},
			{store.ChannelJoint, "consumer", consumer, "上传了证据：付款凭证.png", ev.ID},
			{store.ChannelJoint, "merchant", merchant, "我们愿意协商，但要求扣除已经提供的服务部分。", 0},
			{store.ChannelMerchant, "mediator", "调解员 " + me.DisplayName, "单独跟您沟通：按合同约定，已提供服务可以扣除，其余部分建议退还。", 0},
			{store.ChannelConsumer, "consumer", consumer, "如果能在十天内退款，我可以接受少退一些。", 0},
		}
		for _, s := range steps {
			if err := say(s.channel, s.author, s.name, s.body, s.evidence); err != nil {
				return nil, fmt.Errorf("demo: message of %s: %w", c.Number, err)
			}
		}
		fen := c.ClaimFen * 8 / 10
		if fen <= 0 {
			fen = 50000
		}
		terms := []domain.Term{{Party: "merchant", Content: "退还款项", AmountFen: fen, Manner: "银行转账", Deadline: now.AddDate(0, 0, 10).In(cst).Format("2006-01-02")}}
		p := store.Proposal{CaseID: c.ID, Channel: store.ChannelJoint, Terms: terms, Note: "扣除已提供的服务部分，其余退还", CreatedBy: me.ID}
		m := store.Message{CaseID: c.ID, Channel: store.ChannelJoint, Author: "mediator", AuthorID: me.ID, AuthorName: "调解员 " + me.DisplayName,
			Body: fmt.Sprintf("提出调解方案：1. 经营者于%s前以银行转账方式退还款项，金额%s元", terms[0].Deadline, domain.FormatFen(fen)), Created: at.Add(5 * time.Minute)}
		if err := st.CreateProposal(ctx, &p, &m); err != nil {
			return nil, fmt.Errorf("demo: proposal of %s: %w", c.Number, err)
		}
	}
	return links, nil
}

// receiptPNG draws a small receipt-like picture for the demo evidence.
func receiptPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 160, 100))
	for y := 0; y < 100; y++ {
		for x := 0; x < 160; x++ {
			c := color.RGBA{250, 250, 245, 255}
			if y > 10 && y%14 == 0 && x > 12 && x < 148 {
				c = color.RGBA{90, 90, 90, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}
