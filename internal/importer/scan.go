package importer

import (
	"bufio"
	"bytes"
	"io"
	"sort"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Limits on what a sheet pre-scan remembers; beyond them the extra formula
// cells or merged ranges are simply not treated specially.
const (
	maxNoValueCells = 100_000
	maxMergeRanges  = 100_000
	maxTagBytes     = 64 << 10
)

// cellPos is a 1-based (row, column) position.
type cellPos struct{ row, col int }

// mergeRange is a merged cell range, 1-based and inclusive.
type mergeRange struct {
	r1, c1, r2, c2 int
	val            string
}

// sheetScan is what one streaming pass over a worksheet's XML finds that
// excelize's row iterator does not tell: formula cells without a cached
// value (the iterator shows them as empty) and merged ranges (listed after
// the cell data, so unknown while streaming the rows).
type sheetScan struct {
	noValue map[cellPos]struct{}
	merges  []mergeRange // sorted by first row
}

// scanSheet reads a worksheet's XML once, token by token at the byte level,
// holding only the current tag in memory.
func scanSheet(r io.Reader) (*sheetScan, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	s := &sheetScan{noValue: map[cellPos]struct{}{}}
	var (
		tag                []byte
		row, col           int
		inCell, hasF, hasV bool
		expectValue        bool
	)
	for {
		// Text up to the next tag.
		text, err := br.ReadSlice('<')
		textLen := len(text)
		for err == bufio.ErrBufferFull {
			text, err = br.ReadSlice('<')
			textLen += len(text)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if expectValue && textLen > 1 {
			hasV = true
		}
		expectValue = false
		// The tag up to '>'.
		tag = tag[:0]
		for {
			part, err := br.ReadSlice('>')
			if len(tag) < maxTagBytes {
				tag = append(tag, part...)
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				return s.finish(), nil
			}
			if err != nil {
				return nil, err
			}
			break
		}
		if len(tag) == 0 || tag[0] == '?' || tag[0] == '!' {
			continue
		}
		closing := tag[0] == '/'
		if closing {
			tag = tag[1:]
		}
		selfClosing := bytes.HasSuffix(tag, []byte("/>"))
		name := tagName(tag)
		if closing {
			switch string(name) {
			case "c":
				if inCell && hasF && !hasV && len(s.noValue) < maxNoValueCells {
					s.noValue[cellPos{row, col}] = struct{}{}
				}
				inCell = false
			}
			continue
		}
		switch string(name) {
		case "row":
			if n, err := strconv.Atoi(string(attr(tag, "r"))); err == nil && n > 0 {
				row = n
			} else {
				row++
			}
			col = 0
		case "c":
			if ref := attr(tag, "r"); ref != nil {
				if c, rw, err := excelize.CellNameToCoordinates(string(ref)); err == nil {
					col, row = c, rw
				} else {
					col++
				}
			} else {
				col++
			}
			inCell, hasF, hasV = !selfClosing, false, false
		case "f":
			hasF = true
		case "v":
			expectValue = !selfClosing
		case "is":
			hasV = true
		case "mergeCell":
			if len(s.merges) < maxMergeRanges {
				if m, ok := parseRange(string(attr(tag, "ref"))); ok {
					s.merges = append(s.merges, m)
				}
			}
		}
	}
	return s.finish(), nil
}

func (s *sheetScan) finish() *sheetScan {
	sort.SliceStable(s.merges, func(i, j int) bool { return s.merges[i].r1 < s.merges[j].r1 })
	return s
}

// tagName is the element name of a tag's bytes (after '<', up to '>'),
// without a namespace prefix.
func tagName(tag []byte) []byte {
	end := bytes.IndexAny(tag, " \t\r\n/>")
	if end < 0 {
		end = len(tag)
	}
	name := tag[:end]
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// attr returns the value of an unprefixed attribute in a tag, or nil.
func attr(tag []byte, name string) []byte {
	for i := 0; i < len(tag); {
		j := bytes.Index(tag[i:], []byte(name))
		if j < 0 {
			return nil
		}
		j += i
		k := j + len(name)
		// The name must stand alone: white space before, '=' after.
		if j > 0 && isXMLSpace(tag[j-1]) {
			m := k
			for m < len(tag) && isXMLSpace(tag[m]) {
				m++
			}
			if m < len(tag) && tag[m] == '=' {
				m++
				for m < len(tag) && isXMLSpace(tag[m]) {
					m++
				}
				if m < len(tag) && (tag[m] == '"' || tag[m] == '\'') {
					q := tag[m]
					if e := bytes.IndexByte(tag[m+1:], q); e >= 0 {
						return tag[m+1 : m+1+e]
					}
					return nil
				}
			}
		}
		i = k
	}
	return nil
}

func isXMLSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// parseRange reads "A1:B3" (or a single cell).
func parseRange(ref string) (mergeRange, bool) {
	a, b, ok := bytes.Cut([]byte(ref), []byte(":"))
	if !ok {
		b = a
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(string(a))
	c2, r2, err2 := excelize.CellNameToCoordinates(string(b))
	if err1 != nil || err2 != nil {
		return mergeRange{}, false
	}
	if r1 > r2 {
		r1, r2 = r2, r1
	}
	if c1 > c2 {
		c1, c2 = c2, c1
	}
	return mergeRange{r1: r1, c1: c1, r2: r2, c2: c2}, true
}

// mergeFiller copies the value of a vertically merged range's first cell
// into the cells below it, row by row as the rows stream past.
type mergeFiller struct {
	pending []mergeRange // not yet reached, sorted by first row
	active  []*mergeRange
}

func newMergeFiller(ranges []mergeRange) *mergeFiller {
	var p []mergeRange
	for _, m := range ranges {
		if m.r2 > m.r1 { // only ranges spanning rows fill anything
			p = append(p, m)
		}
	}
	return &mergeFiller{pending: p}
}

// fill returns the row's values with merged values filled in; the input is
// not modified (a copy is made only when something is filled).
func (m *mergeFiller) fill(row int, cells []string) []string {
	for len(m.pending) > 0 && m.pending[0].r1 <= row {
		r := m.pending[0]
		m.pending = m.pending[1:]
		if r.r2 >= row {
			m.active = append(m.active, &r)
		}
	}
	out, copied := cells, false
	kept := m.active[:0]
	for _, r := range m.active {
		if r.r2 < row {
			continue
		}
		kept = append(kept, r)
		i := r.c1 - 1
		if row == r.r1 {
			if i < len(cells) {
				r.val = cells[i]
			}
			continue
		}
		if r.val == "" || (i < len(out) && out[i] != "") {
			continue
		}
		if !copied {
			out, copied = append(make([]string, 0, max(len(cells), i+1)), cells...), true
		}
		for len(out) <= i {
			out = append(out, "")
		}
		out[i] = r.val
	}
	m.active = kept
	return out
}
