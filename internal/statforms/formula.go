package statforms

import (
	"fmt"
	"math/big"
	"strings"
	"unicode"
)

// Formula is a parsed cell formula: counters (identifiers), non-negative
// integer literals, + - * / and parentheses, with the usual precedence. It
// is evaluated exactly (rationals); a division by zero makes the value
// undefined (printed "—").
type Formula struct {
	src  string
	root node
}

// String is the formula as written.
func (f *Formula) String() string { return f.src }

// Counters lists the counters the formula reads, in order of first use.
func (f *Formula) Counters() []string {
	var out []string
	var walk func(n node)
	walk = func(n node) {
		switch x := n.(type) {
		case ident:
			for _, c := range out {
				if c == string(x) {
					return
				}
			}
			out = append(out, string(x))
		case binop:
			walk(x.l)
			walk(x.r)
		case neg:
			walk(x.x)
		}
	}
	walk(f.root)
	return out
}

// Eval computes the formula over summed counters (a missing counter is 0).
// ok is false when a denominator is 0.
func (f *Formula) Eval(counters map[string]int64) (v *big.Rat, ok bool) {
	return f.root.eval(counters)
}

type node interface {
	eval(map[string]int64) (*big.Rat, bool)
}

type num struct{ v *big.Rat }
type ident string
type neg struct{ x node }
type binop struct {
	op   byte
	l, r node
}

func (n num) eval(map[string]int64) (*big.Rat, bool) { return new(big.Rat).Set(n.v), true }
func (n ident) eval(c map[string]int64) (*big.Rat, bool) {
	return new(big.Rat).SetInt64(c[string(n)]), true
}
func (n neg) eval(c map[string]int64) (*big.Rat, bool) {
	v, ok := n.x.eval(c)
	if !ok {
		return nil, false
	}
	return v.Neg(v), true
}
func (n binop) eval(c map[string]int64) (*big.Rat, bool) {
	l, ok := n.l.eval(c)
	if !ok {
		return nil, false
	}
	r, ok := n.r.eval(c)
	if !ok {
		return nil, false
	}
	switch n.op {
	case '+':
		return l.Add(l, r), true
	case '-':
		return l.Sub(l, r), true
	case '*':
		return l.Mul(l, r), true
	default:
		if r.Sign() == 0 {
			return nil, false
		}
		return l.Quo(l, r), true
	}
}

// ParseFormula parses a formula; known says which identifiers are counters
// (nil accepts any identifier).
func ParseFormula(src string, known func(string) bool) (*Formula, error) {
	p := &parser{src: src}
	p.next()
	if p.tok == "" {
		return nil, fmt.Errorf("公式为空")
	}
	root, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.tok != "" {
		return nil, fmt.Errorf("公式“%s”在“%s”处无法解析", src, p.tok)
	}
	f := &Formula{src: strings.TrimSpace(src), root: root}
	if known != nil {
		for _, c := range f.Counters() {
			if !known(c) {
				return nil, fmt.Errorf("公式“%s”中的计数项“%s”不存在", src, c)
			}
		}
	}
	return f, nil
}

type parser struct {
	src string
	pos int
	tok string // current token; "" at the end
	err error
}

func (p *parser) next() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
	if p.pos >= len(p.src) {
		p.tok = ""
		return
	}
	start := p.pos
	c := rune(p.src[p.pos])
	switch {
	case strings.ContainsRune("+-*/()", c):
		p.pos++
	case c == '_' || unicode.IsLetter(c) && c < 128:
		for p.pos < len(p.src) && (p.src[p.pos] == '_' || isAlnum(p.src[p.pos])) {
			p.pos++
		}
	case c >= '0' && c <= '9':
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
		}
	default:
		p.pos = len(p.src) // an unknown character: stop, reported as unparsed
		p.tok = p.src[start:]
		p.err = fmt.Errorf("公式“%s”含有无法识别的字符“%s”", p.src, p.src[start:])
		return
	}
	p.tok = p.src[start:p.pos]
}

func isAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// expr := term (("+"|"-") term)*
func (p *parser) expr() (node, error) {
	l, err := p.term()
	if err != nil {
		return nil, err
	}
	for p.tok == "+" || p.tok == "-" {
		op := p.tok[0]
		p.next()
		r, err := p.term()
		if err != nil {
			return nil, err
		}
		l = binop{op: op, l: l, r: r}
	}
	return l, nil
}

// term := factor (("*"|"/") factor)*
func (p *parser) term() (node, error) {
	l, err := p.factor()
	if err != nil {
		return nil, err
	}
	for p.tok == "*" || p.tok == "/" {
		op := p.tok[0]
		p.next()
		r, err := p.factor()
		if err != nil {
			return nil, err
		}
		l = binop{op: op, l: l, r: r}
	}
	return l, nil
}

// factor := number | counter | "(" expr ")" | "-" factor
func (p *parser) factor() (node, error) {
	if p.err != nil {
		return nil, p.err
	}
	t := p.tok
	switch {
	case t == "":
		return nil, fmt.Errorf("公式“%s”不完整", p.src)
	case t == "(":
		p.next()
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.tok != ")" {
			return nil, fmt.Errorf("公式“%s”缺少右括号", p.src)
		}
		p.next()
		return n, nil
	case t == "-":
		p.next()
		x, err := p.factor()
		if err != nil {
			return nil, err
		}
		return neg{x}, nil
	case t[0] >= '0' && t[0] <= '9':
		v, _ := new(big.Rat).SetString(t)
		p.next()
		return num{v}, nil
	case t[0] == '_' || isAlnum(t[0]):
		p.next()
		return ident(t), nil
	}
	return nil, fmt.Errorf("公式“%s”在“%s”处无法解析", p.src, t)
}
