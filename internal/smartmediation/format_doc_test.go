package smartmediation_test

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	sm "github.com/tiaojie/tiaojie/internal/smartmediation"
)

// docTable returns the rows (cells) of the first table after the heading
// that contains marker.
func docTable(t *testing.T, doc, marker string) [][]string {
	t.Helper()
	i := strings.Index(doc, marker)
	if i < 0 {
		t.Fatalf("FORMAT.md has no section %q", marker)
	}
	var rows [][]string
	for _, line := range strings.Split(doc[i:], "\n")[1:] {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			if len(rows) > 0 {
				break
			}
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		if cells[0] == "#" || strings.HasPrefix(cells[0], "---") {
			continue
		}
		rows = append(rows, cells)
	}
	return rows
}

func jsonKeys(v any) []string {
	var keys []string
	rt := reflect.TypeOf(v)
	for i := 0; i < rt.NumField(); i++ {
		keys = append(keys, strings.Split(rt.Field(i).Tag.Get("json"), ",")[0])
	}
	return keys
}

func TestFormatDocMatchesRecords(t *testing.T) {
	b, err := os.ReadFile("FORMAT.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	names := map[string][]string{}
	for _, s := range []struct {
		marker string
		record any
	}{{"CaseRecord", sm.CaseRecord{}}, {"PartyRecord", sm.PartyRecord{}}, {"OrgRecord", sm.OrgRecord{}}, {"MediatorRecord", sm.MediatorRecord{}}} {
		var keys []string
		for _, row := range docTable(t, doc, "### 4."+map[string]string{"CaseRecord": "1", "PartyRecord": "2", "OrgRecord": "3", "MediatorRecord": "4"}[s.marker]) {
			keys = append(keys, strings.Trim(row[2], "`"))
			names[s.marker] = append(names[s.marker], row[1])
		}
		if want := jsonKeys(s.record); !slices.Equal(keys, want) {
			t.Errorf("FORMAT.md %s fields %v\nthe code has %v", s.marker, keys, want)
		}
	}
	// The export's headers are the documented names, in the documented order.
	base := regexp.MustCompile(`（元）$`)
	var header []string
	for _, h := range sm.CaseHeader {
		header = append(header, base.ReplaceAllString(h, ""))
	}
	if doc := names["CaseRecord"][2:23]; !slices.Equal(header, doc) {
		t.Errorf("case sheet header %v\ndocumented fields %v", header, doc)
	}
	if !slices.Equal(sm.PartyHeader[3:], names["PartyRecord"]) {
		t.Errorf("party sheet header %v, documented %v", sm.PartyHeader[3:], names["PartyRecord"])
	}
}

func TestFormatDocListsTheCodes(t *testing.T) {
	b, err := os.ReadFile("FORMAT.md")
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile("(?m)^- \\*\\*(.+?)\\*\\* \\(`([a-z_]+)`\\): (.+)$")
	item := regexp.MustCompile("`([^`]+)` ([^；]+)")
	codes := sm.DefaultCodes()
	seen := map[string]bool{}
	for _, m := range line.FindAllStringSubmatch(string(b), -1) {
		table := m[2]
		seen[table] = true
		if sm.TableName(table) != m[1] {
			t.Errorf("FORMAT.md calls %s %q, the code %q", table, m[1], sm.TableName(table))
		}
		var doc, want []string
		for _, it := range item.FindAllStringSubmatch(m[3], -1) {
			doc = append(doc, it[1]+" "+strings.TrimSpace(it[2]))
		}
		for _, c := range codes.Table(table) {
			want = append(want, c.Code+" "+c.Name)
		}
		if !slices.Equal(doc, want) {
			t.Errorf("FORMAT.md lists %s as %v\ncodes.csv has %v", table, doc, want)
		}
	}
	for _, tb := range sm.Tables {
		if !seen[tb.Key] {
			t.Errorf("FORMAT.md does not list table %s", tb.Key)
		}
	}
}
