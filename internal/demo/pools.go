package demo

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// poolSeed fixes the merchant pool, the enterprise merchants' credit codes
// and the staff names, so that every demo database shares them whatever the
// case seed: AddCases on an existing demo finds the same merchants again.
const poolSeed uint64 = 0x7469616f6a6965 // "tiaojie"

// poolSize is the number of generated merchants cases are filed against.
const poolSize = 2000

func newRand(seed uint64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream^0x9e3779b97f4a7c15))
}

// picker draws an index with probability proportional to its weight.
type picker struct {
	cum   []int
	total int
}

func newPicker(weights []int) picker {
	p := picker{cum: make([]int, len(weights))}
	for i, w := range weights {
		p.total += w
		p.cum[i] = p.total
	}
	return p
}

func (p picker) pick(r *rand.Rand) int {
	x := r.IntN(p.total) + 1
	return sort.SearchInts(p.cum, x)
}

func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// names draws plausible Chinese personal names.
type names struct {
	surname picker
}

func newNames() names {
	ws := make([]int, len(surnames))
	for i, s := range surnames {
		ws[i] = s.w
	}
	return names{surname: newPicker(ws)}
}

func (n names) person(r *rand.Rand, female bool) string {
	given := maleGiven
	if female {
		given = femaleGiven
	}
	s := surnames[n.surname.pick(r)].s
	if r.IntN(10) < 3 {
		return s + given[r.IntN(len(given))]
	}
	a, b := r.IntN(len(given)), r.IntN(len(given))
	for b == a {
		b = r.IntN(len(given))
	}
	return s + given[a] + given[b]
}

// nameGen draws staff names from its own stream.
type nameGen struct {
	names
	r *rand.Rand
}

func newNameGen(stream uint64) *nameGen {
	return &nameGen{names: newNames(), r: newRand(poolSeed, stream)}
}

func (g *nameGen) staff() string { return g.person(g.r, g.r.IntN(2) == 0) }

// codeGen draws unique, valid unified social credit codes of Pudong (310115).
type codeGen struct {
	r    *rand.Rand
	used map[string]bool
}

func newCodeGen(stream uint64) *codeGen {
	return &codeGen{r: newRand(poolSeed, stream), used: map[string]bool{}}
}

// creditChars are the characters of GB 32100-2015 (no I, O, Z, S, V).
const creditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// next returns a code for a company ('c', 91…MA1…), an individual business
// ('i', 92…MA…) or a private non-enterprise unit ('n', 52…MJ…).
func (g *codeGen) next(kind byte) string {
	var head string
	switch kind {
	case 'i':
		head = "92310115MA"
	case 'n':
		head = "52310115MJ"
	default:
		head = "91310115MA1"
	}
	buf := make([]byte, 17)
	for {
		copy(buf, head)
		for i := len(head); i < 17; i++ {
			buf[i] = creditChars[g.r.IntN(len(creditChars))]
		}
		code := domain.GenerateCreditCode(string(buf))
		if !g.used[code] {
			g.used[code] = true
			return code
		}
	}
}

// poolMerchant is a generated merchant; its store id is assigned lazily when
// a case first names it.
type poolMerchant struct {
	name, code, address string
	room                int // index into officeRooms of where it is located
	cat                 int
	id                  int64
}

// merchantPool is the fixed set of generated merchants, by category.
type merchantPool struct {
	all   []poolMerchant
	byCat [][]int // indexes into all, per category
}

func newMerchantPool() *merchantPool {
	r := newRand(poolSeed, 1)
	codes := newCodeGen(2)
	catW := make([]int, len(categories))
	for i, c := range categories {
		catW[i] = c.weight
	}
	cats := newPicker(catW)
	roomW := make([]int, len(officeRooms))
	for i, o := range officeRooms {
		roomW[i] = o.weight
	}
	rooms := newPicker(roomW)
	p := &merchantPool{all: make([]poolMerchant, 0, poolSize), byCat: make([][]int, len(categories))}
	usedNames := map[string]bool{}
	for len(p.all) < poolSize {
		ci := cats.pick(r)
		c := &categories[ci]
		f := c.forms[r.IntN(len(c.forms))]
		trade := tradeFirst[r.IntN(len(tradeFirst))] + tradeSecond[r.IntN(len(tradeSecond))]
		var name string
		switch f.kind {
		case 'i':
			name = "浦东新区" + trade + f.suffix
		case 'n':
			name = "上海市浦东新区" + trade + f.suffix
		default:
			name = "上海" + trade + f.suffix
		}
		if usedNames[name] {
			continue
		}
		usedNames[name] = true
		ri := rooms.pick(r)
		o := &officeRooms[ri]
		addr := fmt.Sprintf("浦东新区%s%s%d号", o.areas[0], o.roads[r.IntN(len(o.roads))], between(r, 1, 1999))
		if f.kind == 'c' && r.IntN(3) == 0 {
			addr += fmt.Sprintf("%d楼", between(r, 1, 12))
		}
		p.byCat[ci] = append(p.byCat[ci], len(p.all))
		p.all = append(p.all, poolMerchant{name: name, code: codes.next(f.kind), address: addr, room: ri, cat: ci})
	}
	return p
}

// fill substitutes the {x} placeholders of a story template.
func fill(tpl string, v *storyVars) string {
	var b strings.Builder
	b.Grow(len(tpl) + 64)
	for {
		i := strings.IndexByte(tpl, '{')
		if i < 0 || i+2 >= len(tpl) || tpl[i+2] != '}' {
			b.WriteString(tpl)
			return b.String()
		}
		b.WriteString(tpl[:i])
		switch tpl[i+1] {
		case 'm':
			b.WriteString(v.merchant)
		case 'i':
			b.WriteString(v.item)
		case 'd':
			b.WriteString(v.date)
		case 'p':
			b.WriteString(yuan(v.priceYuan))
		case 'c':
			b.WriteString(yuan(v.claimYuan))
		case 'n':
			b.WriteString(fmt.Sprint(v.n))
		}
		tpl = tpl[i+3:]
	}
}

type storyVars struct {
	merchant, item, date string
	priceYuan, claimYuan int64
	n                    int
}

// yuan formats whole yuan with thousands separators, "12,800".
func yuan(y int64) string {
	return strings.TrimSuffix(domain.FormatFen(y*100), ".00")
}
