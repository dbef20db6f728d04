package incident

import (
	"encoding/binary"
	"errors"
	"slices"
	"time"
	"unsafe"
)

// The binary forms of Date and Count let a decoded record be stored (in
// the loader's cache on disk, or with encoding/gob) and read back equal,
// field for field, unexported fields included.

var errBinary = errors.New("incident: bad binary form")

// MarshalBinary encodes d: its precision, whether it is a span, its first
// and last days (UTC midnights, as Unix seconds) and its text.
func (d Date) MarshalBinary() ([]byte, error) {
	return d.AppendBinary(make([]byte, 0, 2+2*binary.MaxVarintLen64+len(d.text)))
}

// AppendBinary appends what MarshalBinary returns to b.
func (d Date) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, byte(d.Precision))
	if d.Span {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.AppendVarint(b, d.Start.Unix())
	b = binary.AppendVarint(b, d.End.Unix())
	return append(b, d.text...), nil
}

// UnmarshalBinary decodes what MarshalBinary encoded.
func (d *Date) UnmarshalBinary(b []byte) error {
	date, at, err := dateOfBinary(b)
	if err != nil {
		return err
	}
	date.text = string(b[at:])
	*d = date
	return nil
}

// DateOfBinary decodes what MarshalBinary encoded, held in s, as
// UnmarshalBinary does, but the Date's text is a piece of s, not a copy.
func DateOfBinary(s string) (Date, error) {
	date, at, err := dateOfBinary(unsafe.Slice(unsafe.StringData(s), len(s))) // only read
	if err != nil {
		return Date{}, err
	}
	date.text = s[at:]
	return date, nil
}

// dateOfBinary decodes what MarshalBinary encoded in b but the text,
// which starts at b[at].
func dateOfBinary(b []byte) (d Date, at int, err error) {
	if len(b) < 2 || b[0] > byte(Year) || b[1] > 1 {
		return Date{}, 0, errBinary
	}
	start, n := binary.Varint(b[2:])
	if n <= 0 {
		return Date{}, 0, errBinary
	}
	end, m := binary.Varint(b[2+n:])
	if m <= 0 {
		return Date{}, 0, errBinary
	}
	return Date{Start: time.Unix(start, 0).UTC(), End: time.Unix(end, 0).UTC(),
		Precision: DatePrecision(b[0]), Span: b[1] == 1}, 2 + n + m, nil
}

// MarshalBinary encodes c: whether it is set, N, Max and the qualifier.
func (c Count) MarshalBinary() ([]byte, error) {
	return c.AppendBinary(make([]byte, 0, 1+2*binary.MaxVarintLen64+len(c.Qualifier())))
}

// AppendBinary appends what MarshalBinary returns to b.
func (c Count) AppendBinary(b []byte) ([]byte, error) {
	q := c.Qualifier()
	if c.set {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.AppendVarint(b, int64(c.N))
	b = binary.AppendVarint(b, int64(c.Max))
	return append(b, q...), nil
}

// UnmarshalBinary decodes what MarshalBinary encoded.
func (c *Count) UnmarshalBinary(b []byte) error {
	if len(b) < 1 || b[0] > 1 {
		return errBinary
	}
	n, k := binary.Varint(b[1:])
	if k <= 0 {
		return errBinary
	}
	max, l := binary.Varint(b[1+k:])
	if l <= 0 {
		return errBinary
	}
	if n < 0 || n > MaxCount || max < 0 || max > MaxCount {
		return errBinary
	}
	*c = Count{set: b[0] == 1, N: int32(n), Max: int32(max)}
	if q := b[1+k+l:]; len(q) > 0 {
		i := slices.Index(Qualifiers, string(q))
		if i < 0 {
			return errBinary
		}
		c.q = uint8(i + 1)
	}
	return nil
}
