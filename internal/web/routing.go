package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/diversion"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/routing"
)

type routingData struct {
	Committee diversion.Unit
	Rules     []routing.Rule
	Stored    bool
	Kinds     []routing.Kind
	Rooms     []diversion.Unit
	Streets   map[int64]string
}

var ruleKinds = []routing.Kind{routing.KindEnterpriseMerchant, routing.KindOnlinePlatform, routing.KindStreet,
	routing.KindCategory, routing.KindKeyword, routing.KindFallback}

// committeeFor is the committee whose routing the user manages (?committee= picks one of several).
func (pg *Pages) committeeFor(r *http.Request) (diversion.Unit, error) {
	return pg.Diversion.Committee(r.Context(), auth.From(r.Context()), mustID(r.FormValue("committee")))
}

// Routing shows the committee's ordered rules and the street map.
func (pg *Pages) Routing(w http.ResponseWriter, r *http.Request) {
	pg.showRouting(w, r, http.StatusOK, nil)
}

func (pg *Pages) showRouting(w http.ResponseWriter, r *http.Request, status int, edited []routing.Rule) {
	ctx := r.Context()
	c, err := pg.committeeFor(r)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	rules, stored, err := pg.Diversion.Rules(ctx, c.ID)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	if edited != nil {
		rules = edited
	}
	_, rooms, err := pg.Diversion.Directory(ctx, c.ID)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	byRoom, err := pg.Diversion.Streets(ctx, auth.From(ctx), c)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	streets := map[int64]string{}
	for room, ss := range byRoom {
		streets[room] = strings.Join(ss, "、")
	}
	// Two blank rows for new rules.
	n := len(rules)
	rules = append(rules, routing.Rule{Position: (n + 1) * 10, Kind: routing.KindCategory}, routing.Rule{Position: (n + 2) * 10, Kind: routing.KindKeyword})
	pg.render(w, r, status, "routing", "分流规则", routingData{Committee: c, Rules: rules, Stored: stored, Kinds: ruleKinds, Rooms: rooms, Streets: streets})
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return r == '、' || r == ',' || r == '，' || r == ' ' || r == '\n' }) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// SaveRouting stores the edited rule list (rows whose 删除 box is ticked or
// that are blank are dropped).
func (pg *Pages) SaveRouting(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := pg.committeeFor(r)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	f := r.PostForm
	var rules []routing.Rule
	for i := 0; i < 100; i++ {
		k := strconv.Itoa(i)
		kind := f.Get("kind_" + k)
		if kind == "" {
			break
		}
		if f.Get("delete_"+k) != "" || (f.Get("used_"+k) == "" && f.Get("enabled_"+k) == "") {
			continue
		}
		pos, err := strconv.Atoi(f.Get("pos_" + k))
		if err != nil {
			pg.Sessions.Put(ctx, "error", "顺序须为整数")
			pg.showRouting(w, r, http.StatusUnprocessableEntity, nil)
			return
		}
		room, _ := strconv.ParseInt(f.Get("room_"+k), 10, 64)
		rules = append(rules, routing.Rule{Position: pos, Kind: routing.Kind(kind), Enabled: f.Get("enabled_"+k) != "",
			RoomID: room, Categories: splitList(f.Get("cats_" + k)), Keywords: splitList(f.Get("kws_" + k)), Note: strings.TrimSpace(f.Get("note_" + k))})
	}
	err = pg.Diversion.SaveRules(ctx, auth.From(ctx), c, rules)
	var ve *routing.ValidationError
	switch {
	case errors.As(err, &ve):
		pg.Sessions.Put(ctx, "error", ve.Error())
		pg.showRouting(w, r, http.StatusUnprocessableEntity, rules)
		return
	case err != nil:
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "分流规则已保存，新受理的案件按新规则分流。")
	http.Redirect(w, r, "/routing", http.StatusSeeOther)
}

// SaveStreets sets the streets/towns an office room covers.
func (pg *Pages) SaveStreets(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := pg.committeeFor(r)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	room, err := pg.Diversion.SaveStreets(ctx, auth.From(ctx), c, mustID(r.PostFormValue("room")), splitList(r.PostFormValue("streets")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已更新“"+room.Name+"”的辖区街镇。")
	http.Redirect(w, r, "/routing", http.StatusSeeOther)
}

func mustID(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }

// Reroute moves a case to another room by hand.
func (pg *Pages) Reroute(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	version := mustID(r.PostFormValue("version"))
	_, err := pg.Diversion.Reroute(r.Context(), auth.From(r.Context()), id, mustID(r.PostFormValue("room")), r.PostFormValue("reason"), version)
	if err != nil {
		var fe *domain.FieldError
		switch {
		case errors.As(err, &fe):
			pg.Sessions.Put(r.Context(), "error", fe.Message)
			pg.showCase(w, r, id, http.StatusUnprocessableEntity)
		default:
			pg.failErr(w, r, err)
		}
		return
	}
	pg.flash(r, "已改派。")
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// ODROutcome records the end of an ODR enterprise's direct negotiation.
func (pg *Pages) ODROutcome(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	outcome := r.PostFormValue("outcome")
	settled := outcome == "settled"
	if _, err := pg.Diversion.ODROutcome(r.Context(), auth.From(r.Context()), id, outcome, r.PostFormValue("note")); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, map[bool]string{true: "已记录企业协商和解。", false: "已转入调解。"}[settled])
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
