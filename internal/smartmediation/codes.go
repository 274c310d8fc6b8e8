package smartmediation

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// The code tables every coded field of the format refers to.
const (
	TableMediationType     = "mediation_type"     // 调解类型
	TableDisputeCategory   = "dispute_category"   // 纠纷类别
	TableCaseSource        = "case_source"        // 案件来源
	TableDifficulty        = "difficulty"         // 案件难度级别
	TableResult            = "result"             // 调解结果
	TablePerformanceManner = "performance_manner" // 履行方式
	TablePerformanceStatus = "performance_status" // 协议履行情况
	TablePartyRole         = "party_role"         // 当事人类型
	TablePartyKind         = "party_kind"         // 主体类型
	TableOrgType           = "org_type"           // 组织类型
	TableEmployment        = "employment"         // 专职/兼职
)

// Tables lists every table in FORMAT.md's order, with its Chinese name.
var Tables = []struct{ Key, Name string }{
	{TableMediationType, "调解类型"}, {TableDisputeCategory, "纠纷类别"}, {TableCaseSource, "案件来源"},
	{TableDifficulty, "案件难度级别"}, {TableResult, "调解结果"}, {TablePerformanceManner, "履行方式"},
	{TablePerformanceStatus, "协议履行情况"}, {TablePartyRole, "当事人类型"}, {TablePartyKind, "主体类型"},
	{TableOrgType, "组织类型"}, {TableEmployment, "专兼职"},
}

// ourValues are the values of ours each table must map, so that building
// a record never meets a value without a code. Categories and channels
// come from the domain; the rest are this package's own derivations.
func ourValues(table string) []string {
	switch table {
	case TableDisputeCategory:
		return domain.Categories
	case TableCaseSource:
		out := make([]string, len(domain.Channels))
		for i, c := range domain.Channels {
			out[i] = string(c)
		}
		return out
	case TableMediationType:
		return []string{agreementOral, agreementWritten}
	case TableDifficulty:
		return []string{DifficultySimple, DifficultyNormal, DifficultyComplex}
	case TableResult:
		return []string{outcomeAgreed, outcomeNotAgreed, outcomeTerminated, outcomeWithdrawn, outcomeODRSettled, outcomeOpen}
	case TablePerformanceManner:
		return []string{mannerImmediate, mannerDeadline, mannerInstalments}
	case TablePerformanceStatus:
		return []string{performedAll, performedPartial, performedNone, performedPending}
	case TablePartyRole:
		return []string{"consumer", "merchant"}
	case TablePartyKind:
		return []string{kindPerson, kindLegal, kindIndividualBusiness}
	case TableOrgType:
		return []string{string(domain.OrgCommittee), string(domain.OrgOfficeRoom), string(domain.OrgEnterpriseRoom)}
	case TableEmployment:
		return []string{employmentFullTime, employmentPartTime}
	}
	return nil
}

// Code is one entry of a code table.
type Code struct {
	Table, System, Code, Name string
	Ours                      []string // our values that map to this code
}

// Codes is one code system's tables, read-only once loaded.
type Codes struct {
	system string
	codes  map[string][]Code            // table → codes in file order
	byOurs map[string]map[string]string // table → our value → code
}

//go:embed codes.csv
var embeddedCodes string

// defaultCodes is the embedded tiaojie-v1 system; a test proves it loads.
var defaultCodes = func() *Codes {
	c, err := LoadCodes(strings.NewReader(embeddedCodes))
	if err != nil {
		panic("smartmediation: embedded codes.csv: " + err.Error())
	}
	return c
}()

// DefaultCodes returns the embedded tables (code system "tiaojie-v1").
func DefaultCodes() *Codes { return defaultCodes }

// LoadCodes reads a code file (columns table,code_system,code,name,our_value;
// our_value holds our values separated by "|"). A file holds one code
// system; every table must be present, a code and an our value may appear
// once per table, and every value of ours must map.
func LoadCodes(r io.Reader) (*Codes, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 5
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read code file header: %w", err)
	}
	if strings.Join(head, ",") != "table,code_system,code,name,our_value" {
		return nil, fmt.Errorf("code file header is %q, want table,code_system,code,name,our_value", strings.Join(head, ","))
	}
	c := &Codes{codes: map[string][]Code{}, byOurs: map[string]map[string]string{}}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read code file: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if err := c.add(rec); err != nil {
			return nil, fmt.Errorf("code file line %d: %w", line, err)
		}
	}
	for _, t := range Tables {
		if len(c.codes[t.Key]) == 0 {
			return nil, fmt.Errorf("code file has no table %s (%s)", t.Key, t.Name)
		}
		for _, v := range ourValues(t.Key) {
			if _, ok := c.byOurs[t.Key][v]; !ok {
				return nil, fmt.Errorf("table %s maps no code for our value %q", t.Key, v)
			}
		}
	}
	return c, nil
}

func (c *Codes) add(rec []string) error {
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	e := Code{Table: rec[0], System: rec[1], Code: rec[2], Name: rec[3]}
	if !slices.ContainsFunc(Tables, func(t struct{ Key, Name string }) bool { return t.Key == e.Table }) {
		return fmt.Errorf("unknown table %q", e.Table)
	}
	if e.System == "" || e.Code == "" || e.Name == "" {
		return errors.New("code_system, code and name are required")
	}
	if c.system == "" {
		c.system = e.System
	} else if e.System != c.system {
		return fmt.Errorf("code system %q differs from the file's %q", e.System, c.system)
	}
	for _, x := range c.codes[e.Table] {
		if x.Code == e.Code {
			return fmt.Errorf("duplicate code %s in table %s", e.Code, e.Table)
		}
	}
	if c.byOurs[e.Table] == nil {
		c.byOurs[e.Table] = map[string]string{}
	}
	if rec[4] != "" {
		for v := range strings.SplitSeq(rec[4], "|") {
			if v = strings.TrimSpace(v); v == "" {
				return errors.New("empty value in our_value")
			}
			if prev, ok := c.byOurs[e.Table][v]; ok {
				return fmt.Errorf("our value %q maps to both %s and %s in table %s", v, prev, e.Code, e.Table)
			}
			c.byOurs[e.Table][v] = e.Code
			e.Ours = append(e.Ours, v)
		}
	}
	c.codes[e.Table] = append(c.codes[e.Table], e)
	return nil
}

// System names the code system, e.g. "tiaojie-v1".
func (c *Codes) System() string { return c.system }

// Table returns a table's codes in file order.
func (c *Codes) Table(table string) []Code { return slices.Clone(c.codes[table]) }

// Name returns the Chinese name of a code, false when the code is not in the table.
func (c *Codes) Name(table, code string) (string, bool) {
	for _, x := range c.codes[table] {
		if x.Code == code {
			return x.Name, true
		}
	}
	return "", false
}

// Valid reports whether code is in the table.
func (c *Codes) Valid(table, code string) bool { _, ok := c.Name(table, code); return ok }

// ForOurs returns the code one of our values maps to.
func (c *Codes) ForOurs(table, ours string) (string, bool) {
	code, ok := c.byOurs[table][ours]
	return code, ok
}

// is reports whether code is the one our value maps to: rules depend on
// what a code means, not on how a code system spells it.
func (c *Codes) is(table, code, ours string) bool {
	want, ok := c.byOurs[table][ours]
	return ok && code == want
}

// TableName is the Chinese name of a table.
func TableName(table string) string {
	for _, t := range Tables {
		if t.Key == table {
			return t.Name
		}
	}
	return table
}
