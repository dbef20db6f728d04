package incident

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Count is a number as the sources state it: exact (103), bounded ("at
// least 140", "over 500", "up to 20"), approximate ("almost 400", "about
// 30") or a range ("25-29"). The zero Count is unset. It takes 12 bytes
// (six of them make a tenth of a record's size): numbers up to MaxCount,
// and its qualifier as an index into Qualifiers.
type Count struct {
	N   int32 // the number; the low end of a range
	Max int32 // the high end of a range, else 0
	q   uint8 // 1 + the qualifier's index in Qualifiers; 0 for none
	set bool
}

// MaxCount is the largest number a count may hold.
const MaxCount = math.MaxInt32

// Qualifier returns "" for exact counts and ranges, else one of
// Qualifiers.
func (c Count) Qualifier() string {
	if c.q == 0 {
		return ""
	}
	return Qualifiers[c.q-1]
}

// Qualifiers lists the words a count may start with.
var Qualifiers = []string{"at least", "over", "more than", "almost", "nearly", "about", "around", "approximately", "roughly", "up to", "fewer than"}

// ExactCount returns the Count of n, which must be in [0, MaxCount].
func ExactCount(n int) Count { return Count{N: int32(n), set: true} }

// ParseCount reads "140", "at least 140", "over 500", "almost 400" or "25-29".
func ParseCount(s string) (Count, error) {
	if c, ok := parsePlainCount(s); ok {
		return c, nil
	}
	return parseCount(s)
}

// parsePlainCount reads, without allocating, a count written the usual
// way: up to nine digits, after a qualifier in lower case and one space
// or alone. ParseCount reads such a count the same way (TestPlainCount).
func parsePlainCount(s string) (c Count, ok bool) {
	c.set = true
	for i, q := range Qualifiers {
		if len(s) > len(q) && s[len(q)] == ' ' && s[:len(q)] == q {
			c.q, s = uint8(i+1), s[len(q)+1:]
			break
		}
	}
	if len(s) == 0 || len(s) > 9 {
		return Count{}, false
	}
	n := int32(0)
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return Count{}, false
		}
		n = n*10 + int32(s[i]-'0')
	}
	c.N = n
	return c, true
}

// parseCount is ParseCount for any text.
func parseCount(s string) (Count, error) {
	text := strings.Join(strings.Fields(strings.ToLower(s)), " ")
	c := Count{set: true}
	for i, q := range Qualifiers {
		if rest, ok := strings.CutPrefix(text, q+" "); ok {
			c.q, text = uint8(i+1), rest
			break
		}
	}
	text = strings.ReplaceAll(text, ",", "")
	if lo, hi, ok := strings.Cut(strings.ReplaceAll(text, "–", "-"), "-"); ok && c.q == 0 {
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		b, err2 := strconv.Atoi(strings.TrimSpace(hi))
		if err1 != nil || err2 != nil || a < 0 || b <= a {
			return Count{}, countError(s)
		}
		if b > MaxCount {
			return Count{}, tooLarge(s)
		}
		c.N, c.Max = int32(a), int32(b)
		return c, nil
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 0 {
		return Count{}, countError(s)
	}
	if n > MaxCount {
		return Count{}, tooLarge(s)
	}
	c.N = int32(n)
	return c, nil
}

func countError(s string) error {
	return fmt.Errorf("cannot read %q as a count: write a whole number (103), a qualified one (\"at least 140\", \"over 500\", \"almost 400\", \"about 30\", \"up to 20\") or a range (\"25-29\")", s)
}

func tooLarge(s string) error {
	return fmt.Errorf("cannot read %q as a count: a count may be at most %d", s, MaxCount)
}

// IsSet reports whether the count was given.
func (c Count) IsSet() bool { return c.set }

// Exact reports whether the count is a plain number.
func (c Count) Exact() bool { return c.set && c.q == 0 && c.Max == 0 }

// String returns the count as the sources state it, e.g. "at least 140".
func (c Count) String() string {
	switch {
	case !c.set:
		return ""
	case c.Max > 0:
		return fmt.Sprintf("%d–%d", c.N, c.Max)
	case c.q != 0:
		return c.Qualifier() + " " + strconv.Itoa(int(c.N))
	default:
		return strconv.Itoa(int(c.N))
	}
}
