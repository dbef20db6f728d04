package geo

import "fmt"

// Precision is how finely a place pins a location, finest first.
type Precision int8

// The precision levels, from a single venue up to a whole country.
const (
	Venue Precision = iota
	Neighbourhood
	District
	City
	Region
	Country
)

var precisionNames = [...]string{"venue", "neighbourhood", "district", "city", "region", "country"}

// String returns the lower-case name of p, such as "city".
func (p Precision) String() string {
	if p < 0 || int(p) >= len(precisionNames) {
		return fmt.Sprintf("precision(%d)", int(p))
	}
	return precisionNames[p]
}

// ParsePrecision returns the precision named s ("venue" … "country").
func ParsePrecision(s string) (Precision, error) {
	for i, n := range precisionNames {
		if n == s {
			return Precision(i), nil
		}
	}
	return 0, fmt.Errorf("unknown precision %q (want venue, neighbourhood, district, city, region or country)", s)
}

// MarshalText encodes p as its name.
func (p Precision) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText decodes a precision name.
func (p *Precision) UnmarshalText(b []byte) error {
	v, err := ParsePrecision(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
