package web

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/casefile"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/privacy"
	"github.com/tiaojie/tiaojie/internal/statcodes"
)

// options is the <option> of each code of a list (or each unit, by id),
// the one whose code is selected marked so, escaped as the template would escape them. A case
// page of an open case lists some two hundred options (the district's
// offices, the committee's rooms, reasons, term kinds five times over);
// ranged in the template each cost three or four reflected calls.
func options(list any, selected any) (template.HTML, error) {
	sel, _ := selected.(string)
	if id, ok := selected.(int64); ok {
		sel = strconv.FormatInt(id, 10)
	}
	switch l := list.(type) {
	case []casefile.Unit:
		return optionsOf(l, func(u casefile.Unit) (string, string) { return strconv.FormatInt(u.ID, 10), u.Name }, sel), nil
	case []domain.Status:
		return optionsOf(l, func(st domain.Status) (string, string) { return string(st), st.Label() }, sel), nil
	case domain.Reasons:
		return optionsOf(l, func(r domain.Reason) (string, string) { return r.Code, r.Label }, sel), nil
	case []statcodes.Code:
		return optionsOf(l, statPair, sel), nil
	case []privacy.Code:
		return optionsOf(l, privacyPair, sel), nil
	}
	return "", fmt.Errorf("options of %T", list)
}

func optionsOf[T any](items []T, codeLabel func(T) (string, string), selected string) template.HTML {
	var b strings.Builder
	for _, it := range items {
		code, label := codeLabel(it)
		b.WriteString(`<option value="`)
		template.HTMLEscape(&b, []byte(code))
		if code == selected {
			b.WriteString(`" selected>`)
		} else {
			b.WriteString(`">`)
		}
		template.HTMLEscape(&b, []byte(label))
		b.WriteString(`</option>`)
	}
	return template.HTML(b.String())
}

func privacyPair(c privacy.Code) (string, string) { return c.Code, c.Label }

func statPair(c statcodes.Code) (string, string) { return c.Code, c.Label }
