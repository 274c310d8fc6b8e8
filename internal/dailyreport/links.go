package dailyreport

import (
	"fmt"
	"net/url"
	"strconv"
)

// URL is the report's page.
func (r Report) URL() string {
	return fmt.Sprintf("/reports/daily/%s/%s", url.PathEscape(r.Unit.Code), r.Day)
}

// FigureURL opens the cases behind a figure of the report: the report's
// own case list for the rollup figures, the case list's clock filter for
// the snapshot.
func (r Report) FigureURL(code string) string {
	if code == "due_soon" {
		v := url.Values{"due": {"soon"}}
		if isRoom(r.Unit.Kind) {
			v.Set("room", strconv.FormatInt(r.Unit.ID, 10))
		}
		return "/cases?" + v.Encode()
	}
	if code == "new_groups" {
		return "/groups"
	}
	return r.URL() + "/cases?figure=" + url.QueryEscape(code)
}

// FigureCodes are the figures with a case list, in the report's order.
func (r Report) FigureCodes() []string {
	var out []string
	for _, l := range r.Figures.Counts.Lines() {
		out = append(out, l.Code)
	}
	return append(out, "overdue")
}
