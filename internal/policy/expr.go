package policy

import (
	"errors"
	"fmt"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// env is what expressions see: the Profile's fields by their expr names, and the measure's
// parameter values on the date as p.name.
type env struct {
	Profile
	P map[string]float64 `expr:"p"`
}

// tri is the value of a condition in Kleene's logic, with "unknown" split by its cause.
type tri uint8

const (
	tFalse   tri = iota
	tTrue        // met
	tMissing     // a fact of the profile is not known
	tGap         // a parameter has no known value on the date
)

// cond is a condition compiled once: a leaf program, or &&, || or ! over conditions.
type cond struct {
	op     byte // 'L', '&', '|', '!'
	a, b   *cond
	prog   *vm.Program
	facts  FactSet
	params uint64 // bit i: the measure's Params[i]
}

// num is a numeric expression compiled once.
type num struct {
	prog   *vm.Program
	facts  FactSet
	params uint64
}

// exprError is a compile error with the line inside the expression (1-based).
type exprError struct {
	line int
	msg  string
}

func (e *exprError) Error() string { return e.msg }

func wrapExprErr(err error) error {
	var fe *file.Error
	if errors.As(err, &fe) {
		return &exprError{line: max(fe.Line, 1), msg: fe.Message}
	}
	return &exprError{line: 1, msg: err.Error()}
}

// compileCond checks src as a whole, then splits it at &&, || and ! into leaves.
func compileCond(src string, params []*Param) (*cond, error) {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, wrapExprErr(err)
	}
	whole := src
	if _, ok := tree.Node.(*ast.IdentifierNode); ok {
		whole += " == true" // a *bool fact on its own
	}
	if _, err := expr.Compile(whole, expr.Env(&env{}), expr.AsBool()); err != nil {
		return nil, wrapExprErr(err)
	}
	return split(tree.Node, params)
}

func split(n ast.Node, params []*Param) (*cond, error) {
	switch n := n.(type) {
	case *ast.BinaryNode:
		op := map[string]byte{"&&": '&', "and": '&', "||": '|', "or": '|'}[n.Operator]
		if op != 0 {
			a, err := split(n.Left, params)
			if err != nil {
				return nil, err
			}
			b, err := split(n.Right, params)
			if err != nil {
				return nil, err
			}
			return &cond{op: op, a: a, b: b, facts: a.facts | b.facts, params: a.params | b.params}, nil
		}
	case *ast.UnaryNode:
		if n.Operator == "!" || n.Operator == "not" {
			a, err := split(n.Node, params)
			if err != nil {
				return nil, err
			}
			return &cond{op: '!', a: a, facts: a.facts, params: a.params}, nil
		}
	}
	src := n.String()
	if _, ok := n.(*ast.IdentifierNode); ok {
		src += " == true" // a *bool fact on its own
	}
	facts, ps, err := names(n, params)
	if err != nil {
		return nil, err
	}
	prog, err := expr.Compile(src, expr.Env(&env{}), expr.AsBool())
	if err != nil {
		return nil, &exprError{line: 1, msg: fmt.Sprintf("%q: %v", src, firstLine(err.Error()))}
	}
	return &cond{op: 'L', prog: prog, facts: facts, params: ps}, nil
}

func compileNum(src string, params []*Param) (*num, error) {
	prog, err := expr.Compile(src, expr.Env(&env{}), expr.AsFloat64())
	if err != nil {
		return nil, wrapExprErr(err)
	}
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, wrapExprErr(err)
	}
	facts, ps, err := names(tree.Node, params)
	if err != nil {
		return nil, err
	}
	return &num{prog: prog, facts: facts, params: ps}, nil
}

// names finds the facts and parameters an expression reads; p.x must name a declared parameter.
func names(n ast.Node, params []*Param) (FactSet, uint64, error) {
	v := &namer{params: params}
	ast.Walk(&n, v)
	return v.facts, v.ps, v.err
}

type namer struct {
	params []*Param
	facts  FactSet
	ps     uint64
	err    error
}

func (v *namer) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if i, ok := factIndex[n.Value]; ok {
			v.facts |= 1 << i
		}
	case *ast.MemberNode:
		id, ok := n.Node.(*ast.IdentifierNode)
		if !ok || id.Value != "p" {
			return
		}
		s, ok := n.Property.(*ast.StringNode)
		if !ok {
			v.fail("parameters are read by name: p.name")
			return
		}
		for i, p := range v.params {
			if p.Name == s.Value {
				v.ps |= 1 << i
				return
			}
		}
		v.fail(fmt.Sprintf("unknown parameter p.%s", s.Value))
	}
}

func (v *namer) fail(msg string) {
	if v.err == nil {
		v.err = &exprError{line: 1, msg: msg}
	}
}

func firstLine(s string) string {
	for i := range len(s) {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}

// scope is what one evaluation knows: the facts of the profile, the parameters on the date.
type scope struct {
	m      vm.VM
	env    env
	known  FactSet
	params uint64 // parameters with a known value on the date
}

// eval returns the value of c, and when it is not decided the facts missing and the
// parameters unknown that kept it so.
func (s *scope) eval(c *cond) (tri, FactSet, uint64, error) {
	switch c.op {
	case 'L':
		if miss := c.facts &^ s.known; miss != 0 {
			return tMissing, miss, 0, nil
		}
		if gap := c.params &^ s.params; gap != 0 {
			return tGap, 0, gap, nil
		}
		out, err := s.m.Run(c.prog, &s.env)
		if err != nil {
			return tFalse, 0, 0, err
		}
		if out.(bool) {
			return tTrue, 0, 0, nil
		}
		return tFalse, 0, 0, nil
	case '!':
		v, miss, gap, err := s.eval(c.a)
		switch v {
		case tTrue:
			v = tFalse
		case tFalse:
			v = tTrue
		}
		return v, miss, gap, err
	}
	// && and ||: the dominant value decides alone; otherwise unknowns add up.
	dominant := tFalse
	if c.op == '|' {
		dominant = tTrue
	}
	a, ma, ga, err := s.eval(c.a)
	if err != nil || a == dominant {
		return a, 0, 0, err
	}
	b, mb, gb, err := s.eval(c.b)
	if err != nil || b == dominant {
		return b, 0, 0, err
	}
	switch {
	case a == tMissing || b == tMissing:
		return tMissing, ma | mb, ga | gb, nil
	case a == tGap || b == tGap:
		return tGap, 0, ga | gb, nil
	}
	return a, 0, 0, nil // both the non-dominant value
}

// number runs n; ok is false when a fact or a parameter it reads is not known.
func (s *scope) number(n *num) (v float64, miss FactSet, gap uint64, err error) {
	if miss = n.facts &^ s.known; miss != 0 {
		return 0, miss, 0, nil
	}
	if gap = n.params &^ s.params; gap != 0 {
		return 0, 0, gap, nil
	}
	out, err := s.m.Run(n.prog, &s.env)
	if err != nil {
		return 0, 0, 0, err
	}
	return out.(float64), 0, 0, nil
}
