package server_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/demo"
)

type corpsList struct {
	Unit      struct{ Code, Name string } `json:"unit"`
	Total     int                         `json:"total"`
	Mediators []struct {
		ID          int64  `json:"id"`
		Name        string `json:"name"`
		Registered  bool   `json:"registered"`
		Phone       string `json:"phone"`
		IDNumber    string `json:"id_number"`
		Grade       string `json:"grade"`
		FilingState string `json:"filing_state"`
		Subsidy     bool   `json:"subsidy_eligible"`
		Rooms       []struct{ Code, Name string }
	} `json:"mediators"`
}

type corpsProfile struct {
	Profile struct {
		Total              int `json:"total"`
		BachelorOrAbove    int `json:"bachelor_or_above"`
		BachelorPct        int `json:"bachelor_pct"`
		LawMajors          int `json:"law_majors"`
		LawPct             int `json:"law_pct"`
		LegalQualification int `json:"legal_qualification"`
		AverageAge         int `json:"average_age"`
	} `json:"profile"`
	Sentence string `json:"sentence"`
	AsOf     string `json:"as_of"`
}

var phoneLike = regexp.MustCompile(`1[3-9]\d{9}`)

// TestCorpsAPI: the registry and profile API answer a unit's corps, masked,
// within the caller's scope; the profile's sentence states the registry's figures.
func TestCorpsAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cmt := e.login("committee01")
		res := cmt.json("GET", "/api/v1/mediators?unit="+demo.CodeCommittee, nil, nil)
		if res.StatusCode != 200 {
			t.Fatalf("list: %d %s", res.StatusCode, res.body)
		}
		var l corpsList
		json_(res.body, &l)
		if l.Total < 47 || l.Total != len(l.Mediators) || l.Unit.Code != demo.CodeCommittee {
			t.Fatalf("list: total %d of %d", l.Total, len(l.Mediators))
		}
		if phoneLike.MatchString(res.body) || regexp.MustCompile(`\d{17}[\dX]`).MatchString(res.body) {
			t.Fatal("an unmasked number in the API answer")
		}
		var ids []int64
		for _, m := range l.Mediators {
			ids = append(ids, m.ID)
			if !m.Registered || !strings.Contains(m.Phone, "****") || !strings.Contains(m.IDNumber, "*") || len(m.Rooms) == 0 {
				t.Fatalf("entry %+v", m)
			}
		}
		// Filters narrow the list.
		var f corpsList
		json_(cmt.json("GET", "/api/v1/mediators?unit="+demo.CodeCommittee+"&kind=part_time", nil, nil).body, &f)
		if f.Total == 0 || f.Total >= l.Total {
			t.Fatalf("part-timers %d of %d", f.Total, l.Total)
		}

		// The profile's figures against the registry rows.
		res = cmt.json("GET", "/api/v1/mediators/profile?unit="+demo.CodeCommittee, nil, nil)
		var p corpsProfile
		json_(res.body, &p)
		recs, err := e.db.ListMediatorRecords(ctx, ids)
		if res.StatusCode != 200 || err != nil || len(recs) != p.Profile.Total {
			t.Fatalf("profile: %d %s %v", res.StatusCode, res.body, err)
		}
		year := 0
		fmt.Sscanf(p.AsOf, "%d", &year)
		bach, law, qual, ages := 0, 0, 0, 0
		for _, r := range recs {
			if r.Education == "doctor" || r.Education == "master" || r.Education == "bachelor" {
				bach++
			}
			if r.LawMajor {
				law++
			}
			if r.LegalQualification {
				qual++
			}
			ages += year - r.BirthYear
		}
		n := len(recs)
		pct := func(k int) int { return (k*200 + n) / (2 * n) }
		if p.Profile.BachelorOrAbove != bach || p.Profile.LawMajors != law || p.Profile.LegalQualification != qual ||
			p.Profile.BachelorPct != pct(bach) || p.Profile.LawPct != pct(law) || p.Profile.AverageAge != (ages*2+n)/(2*n) {
			t.Fatalf("profile %+v; rows: %d %d %d ages %d", p.Profile, bach, law, qual, ages)
		}
		for _, want := range []string{fmt.Sprintf("本科及以上学历占%d%%", pct(bach)), fmt.Sprintf("法律专业占%d%%", pct(law)),
			fmt.Sprintf("%d人具有法律职业资格", qual), fmt.Sprintf("平均年龄%d岁", p.Profile.AverageAge)} {
			if !strings.Contains(p.Sentence, want) {
				t.Fatalf("sentence %q lacks %q", p.Sentence, want)
			}
		}
		t.Logf("sentence: %s", p.Sentence)

		// Bad input and scope.
		for _, c := range []struct {
			who, path string
			status    int
		}{
			{"committee01", "/api/v1/mediators?unit=nope", 404},
			{"committee01", "/api/v1/mediators/profile?unit=nope", 404},
			{"committee01", "/api/v1/mediators", 400},
			{"committee01", "/api/v1/mediators?unit=" + demo.CodeCommittee + "&grade=9", 400},
			{"committee01", "/api/v1/mediators?unit=" + demo.CodeCommittee + "&bogus=1", 400},
			{"xh_committee01", "/api/v1/mediators?unit=" + demo.CodeCommittee, 403},
			{"xh_justice01", "/api/v1/mediators/profile?unit=" + demo.CodeDistrict, 403},
			{"mediator01", "/api/v1/mediators?unit=" + demo.CodeCommittee, 403},
			{"regulator01", "/api/v1/mediators/profile?unit=" + demo.CodeCommittee, 403},
			{"room_lead01", "/api/v1/mediators?unit=" + demo.CodeCommittee, 403},
			{"room_lead01", "/api/v1/mediators?unit=" + demo.OfficeRoomCode(1), 200},
			{"justice01", "/api/v1/mediators/profile?unit=" + demo.CodeDistrict, 200},
		} {
			r := e.login(c.who).json("GET", c.path, nil, nil)
			if r.StatusCode != c.status {
				t.Fatalf("%s %s: %d %s", c.who, c.path, r.StatusCode, r.body)
			}
			if c.status >= 400 && !containsChinese(r.body) {
				t.Fatalf("%s %s: not a Chinese message: %s", c.who, c.path, r.body)
			}
		}
	})
}

func containsChinese(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// TestCorpsPages: the pages show the registry masked, refuse bad input
// without changing anything, and record a grade decision.
func TestCorpsPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cmt := e.login("committee01")
		for _, path := range []string{"/mediators", "/mediators?unit=" + demo.CodeCommittee + "&kind=full_time",
			"/mediators/profile?unit=" + demo.CodeCommittee, "/mediators/grades?unit=" + demo.CodeCommittee} {
			r := cmt.get(path)
			if r.StatusCode != 200 || phoneLike.MatchString(r.body) {
				t.Fatalf("%s: %d (or an unmasked phone)", path, r.StatusCode)
			}
		}
		if r := cmt.get("/mediators/profile?unit=" + demo.CodeCommittee); !strings.Contains(r.body, "本科及以上学历占") {
			t.Fatal("no sentence on the profile page")
		}
		u, _ := e.db.GetUserByUsername(ctx, "mediator02")
		path := fmt.Sprintf("/mediators/%d", u.ID)
		if r := cmt.get(path); r.StatusCode != 200 || !strings.Contains(r.body, "等级评定条件") || phoneLike.MatchString(r.body) {
			t.Fatalf("detail: %d", r.StatusCode)
		}
		// Out of scope: another district's committee, another room's lead.
		if r := e.login("xh_committee01").get(path); r.StatusCode != 404 {
			t.Fatalf("other district: %d", r.StatusCode)
		}
		before, _ := e.db.GetMediatorRecord(ctx, u.ID)
		form := url.Values{"kind": {"full_time"}, "appointed_on": {"2022-03-01"}, "id_number": {"310115199001011234"}}
		if r := cmt.form("POST", path, form); r.StatusCode != 422 || !strings.Contains(r.body, "身份证号码无效") {
			t.Fatalf("bad id: %d", r.StatusCode)
		}
		form.Set("id_number", "")
		form.Set("appointed_on", "2022-02-30")
		if r := cmt.form("POST", path, form); r.StatusCode != 422 || !strings.Contains(r.body, "不是有效日期") {
			t.Fatalf("bad date: %d", r.StatusCode)
		}
		if after, _ := e.db.GetMediatorRecord(ctx, u.ID); after != before {
			t.Fatal("bad input changed the record")
		}
		if r := e.login("justice01").form("POST", path+"/grade", url.Values{"to": {"3"}, "on": {dateToday()}, "basis": {"x"}}); r.StatusCode != 403 {
			t.Fatalf("justice decides: %d", r.StatusCode)
		}
		to := "3"
		if before.Grade == "3" {
			to = "4"
		}
		if r := cmt.form("POST", path+"/grade", url.Values{"to": {to}, "on": {dateToday()}, "basis": {"调委会主任会议"}}); r.StatusCode != 303 {
			t.Fatalf("decide: %d %s", r.StatusCode, r.body)
		}
		ds, err := e.db.ListGradeDecisions(ctx, u.ID)
		if err != nil || len(ds) == 0 || ds[0].To != to || ds[0].From != before.Grade || ds[0].Basis != "调委会主任会议" || ds[0].Snapshot == "" {
			t.Fatalf("decision %+v %v", ds, err)
		}
		if r := cmt.get(path); !strings.Contains(r.body, "调委会主任会议") {
			t.Fatal("history not shown")
		}
		if r := cmt.form("POST", path, url.Values{"kind": {"part_time"}, "appointed_on": {"2022-03-01"}, "phone": {"13812345678"}}); r.StatusCode != 303 {
			t.Fatalf("save: %d %s", r.StatusCode, r.body)
		}
		if after, _ := e.db.GetMediatorRecord(ctx, u.ID); after.Kind != "part_time" || after.PhoneMask != "138****5678" || after.Grade != to {
			t.Fatalf("saved %+v", after)
		}

		// Grade rules: the committee saves a version from today; a past date or a bad figure changes nothing.
		rules := url.Values{"unit": {demo.CodeCommittee}, "effective_from": {dateToday()}}
		for i, g := range []string{"4", "3", "2", "1"} {
			rules.Set("years_"+g, fmt.Sprint(2+2*i))
			rules.Set("cases_"+g, fmt.Sprint(40+100*i))
			rules.Set("oral_"+g, "30")
			rules.Set("success_"+g, fmt.Sprint(85+i))
			rules.Set("training_"+g, fmt.Sprint(20+8*i))
			rules.Set("improper_"+g, "on")
		}
		committee, _ := e.db.GetOrgUnitByCode(ctx, demo.CodeCommittee)
		bad := url.Values{}
		for k, v := range rules {
			bad[k] = v
		}
		bad.Set("effective_from", "2020-01-01")
		if r := cmt.form("POST", "/mediators/grades/rules", bad); r.StatusCode != 422 || !strings.Contains(r.body, "生效日期不能早于今天") {
			t.Fatalf("past rules: %d", r.StatusCode)
		}
		bad.Set("effective_from", dateToday())
		bad.Set("cases_1", "10")
		if r := cmt.form("POST", "/mediators/grades/rules", bad); r.StatusCode != 422 || !strings.Contains(r.body, "一级的条件不能低于二级") {
			t.Fatalf("easier 一级: %d", r.StatusCode)
		}
		if rs, _ := e.db.ListGradeRules(ctx, committee.ID); len(rs) != 0 {
			t.Fatalf("bad rules stored: %+v", rs)
		}
		if r := e.login("room_lead01").form("POST", "/mediators/grades/rules", rules); r.StatusCode != 403 {
			t.Fatalf("room lead saves rules: %d", r.StatusCode)
		}
		if r := cmt.form("POST", "/mediators/grades/rules", rules); r.StatusCode != 303 {
			t.Fatalf("save rules: %d %s", r.StatusCode, r.body)
		}
		if r := cmt.get("/mediators/grades?unit=" + demo.CodeCommittee); !strings.Contains(r.body, "≥ 40 件") {
			t.Fatal("the saved rules are not in force on the grades page")
		}
	})
}
