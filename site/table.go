package site

import (
	"slices"
	"time"

	"github.com/mapsite/mapsite/internal/tomlfast"
)

// table is one TOML table as the decoder reads it: a map from BurntSushi,
// or a table of tomlfast's Doc, which gives the same values (see
// tomlfast.Table.Get) without a Go map.
type table struct {
	m      map[string]any
	fast   tomlfast.Table
	isFast bool
}

// tablesOf returns the tables of a list that BurntSushi decoded.
func tablesOf(maps []map[string]any) []table {
	list := make([]table, len(maps))
	for i, m := range maps {
		list[i] = table{m: m}
	}
	return list
}

// get returns the value of key, as the map of t holds it.
func (t table) get(key string) (any, bool) {
	if t.isFast {
		return t.fast.Get(key)
	}
	v, ok := t.m[key]
	return v, ok
}

// str returns the value of key when it is a string; ok is false when it
// is missing or of another type (get then gives it).
func (t table) str(key string) (s string, ok bool) {
	if t.isFast {
		v, _ := t.fast.Value(key)
		return v.Str(), v.Kind() == tomlfast.String
	}
	s, ok = t.m[key].(string)
	return s, ok
}

// time returns the value of key when it is a date or date-time.
func (t table) time(key string) (time.Time, bool) {
	if t.isFast {
		v, _ := t.fast.Value(key)
		if v.Kind() != tomlfast.Date {
			return time.Time{}, false
		}
		return v.Time(), true
	}
	v, ok := t.m[key].(time.Time)
	return v, ok
}

// day returns the value of key, as it is written, when tomlfast decoded
// it as a local date ("2024-01-03"); false otherwise (time then gives it).
func (t table) day(key string) (string, bool) {
	if !t.isFast {
		return "", false
	}
	v, _ := t.fast.Value(key)
	return v.DateText(), v.Kind() == tomlfast.Date
}

// int returns the value of key when it is an integer.
func (t table) int(key string) (int64, bool) {
	if t.isFast {
		v, _ := t.fast.Value(key)
		return v.Int(), v.Kind() == tomlfast.Integer
	}
	v, ok := t.m[key].(int64)
	return v, ok
}

// strs returns the value of key when it is an array of strings only, as
// a new list made by make (n); ok is false otherwise, and for a map (get
// then gives it).
func (t table) strs(key string, make func(n int) []string) ([]string, bool) {
	if !t.isFast {
		return nil, false
	}
	v, _ := t.fast.Value(key)
	if v.Kind() != tomlfast.Array {
		return nil, false
	}
	for i := range v.Len() {
		if v.Item(i).Kind() != tomlfast.String {
			return nil, false
		}
	}
	list := make(v.Len())
	for i := range list {
		list[i] = v.Item(i).Str()
	}
	return list, true
}

// has reports whether t has key.
func (t table) has(key string) bool {
	if t.isFast {
		return t.fast.Has(key)
	}
	_, ok := t.m[key]
	return ok
}

// eachKey calls f with each key of t, in no set order, until f returns
// false; it reports whether f returned true for every key.
func (t table) eachKey(f func(key string) bool) bool {
	if t.isFast {
		return t.fast.EachKey(f)
	}
	for k := range t.m {
		if !f(k) {
			return false
		}
	}
	return true
}

// len returns the number of keys of t.
func (t table) len() int {
	if t.isFast {
		return t.fast.Len()
	}
	return len(t.m)
}

// sortedKeys returns the keys of t, sorted.
func (t table) sortedKeys() []string {
	if t.isFast {
		keys := t.fast.Keys()
		slices.Sort(keys)
		return keys
	}
	return sortedKeys(t.m)
}

// tables returns the value of key when it is an array of tables,
// appended to list; present is false when t has no key, ok false when its
// value is of another type.
func (t table) tables(list []table, key string) (_ []table, present, ok bool) {
	if t.isFast {
		n := t.fast.NumTables(key)
		if n == 0 {
			return list, t.fast.Has(key), false
		}
		var buf [4]tomlfast.Table
		subs := buf[:0]
		if n > len(buf) {
			subs = make([]tomlfast.Table, 0, n)
		}
		for _, s := range t.fast.AppendTables(subs, key) {
			list = append(list, table{fast: s, isFast: true})
		}
		return list, true, true
	}
	v, present := t.m[key]
	maps, ok := v.([]map[string]any)
	if !ok {
		return list, present, false
	}
	for _, m := range maps {
		list = append(list, table{m: m})
	}
	return list, true, true
}
