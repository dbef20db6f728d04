package incident

import (
	"fmt"
	"strconv"
	"strings"
)

// Count is a number as the sources state it: exact (103), bounded ("at
// least 140", "over 500", "up to 20"), approximate ("almost 400", "about
// 30") or a range ("25-29"). The zero Count is unset.
type Count struct {
	Qualifier string // "" for exact and ranges, else one of Qualifiers
	N         int    // the number; the low end of a range
	Max       int    // the high end of a range, else 0
	set       bool
}

// Qualifiers lists the words a count may start with.
var Qualifiers = []string{"at least", "over", "more than", "almost", "nearly", "about", "around", "approximately", "roughly", "up to", "fewer than"}

// ExactCount returns the Count of n.
func ExactCount(n int) Count { return Count{N: n, set: true} }

// ParseCount reads "140", "at least 140", "over 500", "almost 400" or "25-29".
func ParseCount(s string) (Count, error) {
	text := strings.Join(strings.Fields(strings.ToLower(s)), " ")
	c := Count{set: true}
	for _, q := range Qualifiers {
		if rest, ok := strings.CutPrefix(text, q+" "); ok {
			c.Qualifier, text = q, rest
			break
		}
	}
	text = strings.ReplaceAll(text, ",", "")
	if lo, hi, ok := strings.Cut(strings.ReplaceAll(text, "–", "-"), "-"); ok && c.Qualifier == "" {
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		b, err2 := strconv.Atoi(strings.TrimSpace(hi))
		if err1 != nil || err2 != nil || a < 0 || b <= a {
			return Count{}, countError(s)
		}
		c.N, c.Max = a, b
		return c, nil
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 0 {
		return Count{}, countError(s)
	}
	c.N = n
	return c, nil
}

func countError(s string) error {
	return fmt.Errorf("cannot read %q as a count: write a whole number (103), a qualified one (\"at least 140\", \"over 500\", \"almost 400\", \"about 30\", \"up to 20\") or a range (\"25-29\")", s)
}

// IsSet reports whether the count was given.
func (c Count) IsSet() bool { return c.set }

// Exact reports whether the count is a plain number.
func (c Count) Exact() bool { return c.set && c.Qualifier == "" && c.Max == 0 }

// String returns the count as the sources state it, e.g. "at least 140".
func (c Count) String() string {
	switch {
	case !c.set:
		return ""
	case c.Max > 0:
		return fmt.Sprintf("%d–%d", c.N, c.Max)
	case c.Qualifier != "":
		return c.Qualifier + " " + strconv.Itoa(c.N)
	default:
		return strconv.Itoa(c.N)
	}
}
