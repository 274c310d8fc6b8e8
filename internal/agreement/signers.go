package agreement

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// SignerState is where one signer of a written agreement stands.
type SignerState struct {
	Signer    string // consumer, merchant, mediator, seal
	Signed    bool
	SignedAt  time.Time
	PhoneMask string // parties: the phone the signing link was texted to, "" when none is registered
	Link      string // a party without a phone, not yet signed: the link for the mediator to hand over
}

// Label is the signer's name ("消费者", "调委会印章" …).
func (x SignerState) Label() string { return domain.PartyWord(x.Signer) }

// SignerStates lists each signer of the case's written agreement in signing
// order, with whether and when they signed and how a party was reached.
func (s *Service) SignerStates(ctx context.Context, c store.Case) ([]SignerState, error) {
	sigs, err := s.Store.ListSignatures(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("list signatures of case %d: %w", c.ID, err)
	}
	links, err := s.Store.ListSignTokens(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("list signing links of case %d: %w", c.ID, err)
	}
	out := make([]SignerState, 0, len(Signers))
	for _, who := range Signers {
		x := SignerState{Signer: who}
		for _, sg := range sigs {
			if sg.Signer == who {
				x.Signed, x.SignedAt = true, sg.SignedAt
			}
		}
		for _, p := range c.Parties {
			if p.Kind == who {
				x.PhoneMask = p.PhoneMask
			}
		}
		if (who == "consumer" || who == "merchant") && x.PhoneMask == "" && !x.Signed {
			for _, l := range links { // newest first
				if l.Party == who {
					if tok, err := s.Sealer.Open(l.TokenSealed); err == nil {
						x.Link = strings.TrimSuffix(s.BaseURL, "/") + "/sign/" + tok
					}
					break
				}
			}
		}
		out = append(out, x)
	}
	return out, nil
}

// SentWords says who was told of a new written agreement and how, for the mediator.
func SentWords(states []SignerState) string {
	var texted, without []string
	for _, x := range states {
		switch {
		case x.Signer != "consumer" && x.Signer != "merchant":
		case x.PhoneMask != "":
			texted = append(texted, x.Label()+"（"+x.PhoneMask+"）")
		default:
			without = append(without, x.Label())
		}
	}
	msg := "已生成调解协议书。"
	if len(texted) > 0 {
		msg += "已排队向" + strings.Join(texted, "、") + "发送短信签署链接，当事人凭短信验证码在手机上签署。"
	}
	if len(without) > 0 {
		msg += strings.Join(without, "、") + "未登记手机号码，没有发送短信：签署链接列在下方“签署”处，请交给其本人（签署时须向其手机发送验证码，请先登记其手机号码）。"
	}
	return msg + "调解员签署并加盖调委会印章后协议生效。"
}
