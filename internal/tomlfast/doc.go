package tomlfast

import (
	"math"
	"time"
	"unsafe"
)

// A Doc is a decoded text: its [[key]] tables, whose keys and values are
// kept in a few slices shared by all, not in a Go map per table (which
// were the largest allocation of a load). Its keys and values are kept
// as places in the text, so that the collector need not look through
// them.
type Doc struct {
	key    string
	text   string
	loc    *time.Location // of dates, as BurntSushi gives them
	tables []table        // the [[key]] tables, in order
	subs   []subTable     // the [[key.name]] tables, in order
	fields []field        // the keys and values of every table, a table's together
	items  []field        // the items of every array, an array's together
	strs   []string       // the strings that are not pieces of text (with escapes)
}

// table is the place of one table's keys in Doc.fields, and for a [[key]]
// table, of its sub-tables in Doc.subs.
type table struct {
	lo, hi       int32
	subLo, subHi int32
	keys         uint64 // the keyBit of each of its keys: most keys looked for are not there
	subKeys      uint64 // the keyBit of each name of its sub-tables, likewise
}

// keyBit returns the bit of key k in table.keys.
func keyBit(k string) uint64 {
	if k == "" {
		return 0
	}
	return 1 << ((uint(len(k))*7 + uint(k[0]) + uint(k[len(k)-1])) & 63)
}

type subTable struct {
	name string
	table
}

// field is a key and its value, or an item of an array (without a key).
type field struct {
	key    uint32 // where the key starts in Doc.text
	off    uint32 // String, Date: where it starts in Doc.text, or with esc, its index in Doc.strs; Array: its first item in Doc.items
	n      uint64 // Integer: int64; Float: its bits; Bool: 0 or 1; Date: year<<16 | month<<8 | day
	len    uint32 // String, Date, Array
	keyLen uint16
	kind   Kind
	esc    bool
}

// maxKeyLen is the longest key Decode takes (which field can hold).
const maxKeyLen = math.MaxUint16

// str returns the field of a String s: a piece of d.text, or one of d.strs.
func (d *Doc) str(s string) field {
	base := uintptr(unsafe.Pointer(unsafe.StringData(d.text)))
	if p := uintptr(unsafe.Pointer(unsafe.StringData(s))); p >= base && p-base+uintptr(len(s)) <= uintptr(len(d.text)) {
		return field{kind: String, off: uint32(p - base), len: uint32(len(s))}
	}
	if s == "" {
		return field{kind: String}
	}
	d.strs = append(d.strs, s)
	return field{kind: String, esc: true, off: uint32(len(d.strs) - 1), len: uint32(len(s))}
}

// keyOf returns f's key.
func (d *Doc) keyOf(f *field) string { return d.text[f.key : f.key+uint32(f.keyLen)] }

// A Kind is the type of a Value.
type Kind uint8

// The kinds of values Decode reads.
const (
	String Kind = iota + 1
	Integer
	Float
	Bool
	Date // a local date
	Array
)

// A Value is a value of a table.
type Value struct {
	d *Doc
	f field
}

// Kind returns v's kind; 0 for the zero Value.
func (v Value) Kind() Kind { return v.f.kind }

// Str returns the text of a String.
func (v Value) Str() string {
	switch {
	case v.f.kind != String:
		return ""
	case v.f.esc:
		return v.d.strs[v.f.off]
	}
	return v.d.text[v.f.off : v.f.off+v.f.len]
}

// Int returns the value of an Integer.
func (v Value) Int() int64 {
	if v.f.kind != Integer {
		return 0
	}
	return int64(v.f.n)
}

// Len returns the number of items of an Array.
func (v Value) Len() int {
	if v.f.kind != Array {
		return 0
	}
	return int(v.f.len)
}

// Item returns the i-th item of an Array.
func (v Value) Item(i int) Value {
	return Value{v.d, v.d.items[int(v.f.off)+i]}
}

// Any returns v with the Go type toml.Decode gives it: string, int64,
// float64, bool, time.Time or []any.
func (v Value) Any() any {
	switch v.f.kind {
	case String:
		return v.Str()
	case Integer:
		return int64(v.f.n)
	case Float:
		return math.Float64frombits(v.f.n)
	case Bool:
		return v.f.n == 1
	case Date:
		return v.Time()
	case Array:
		list := make([]any, v.Len())
		for i := range list {
			list[i] = v.Item(i).Any()
		}
		return list
	}
	return nil
}

// DateText returns a Date as it is written, "2024-01-03": what its Time
// gives in the layout time.DateOnly.
func (v Value) DateText() string {
	if v.f.kind != Date {
		return ""
	}
	return v.d.text[v.f.off : v.f.off+v.f.len]
}

// Time returns a Date as toml.Decode gives it: midnight in its location
// "date-local".
func (v Value) Time() time.Time {
	n := v.f.n
	return time.Date(int(n>>16), time.Month(n>>8&0xff), int(n&0xff), 0, 0, 0, 0, v.d.loc)
}

// Len returns the number of [[key]] tables.
func (d *Doc) Len() int { return len(d.tables) }

// Table returns the i-th [[key]] table.
func (d *Doc) Table(i int) Table { return Table{d, d.tables[i]} }

// Map returns what toml.Decode(text, &map[string]any{}) gives for the
// text: {key: []map[string]any{...}} (empty without tables).
func (d *Doc) Map() map[string]any {
	m := map[string]any{}
	if len(d.tables) > 0 {
		list := make([]map[string]any, len(d.tables))
		for i := range d.tables {
			list[i] = d.Table(i).Map()
		}
		m[d.key] = list
	}
	return m
}

// A Table is one table of a Doc: a [[key]] table, or one of its
// [[key.name]] tables.
type Table struct {
	d *Doc
	t table
}

// Keys returns the keys of t, as a map of it would have, in the order
// they are first written.
func (t Table) Keys() []string {
	fields := t.d.fields[t.t.lo:t.t.hi]
	keys := make([]string, 0, len(fields)+1)
	for i := range fields {
		keys = append(keys, t.d.keyOf(&fields[i]))
	}
	subs := t.d.subs[t.t.subLo:t.t.subHi]
	for i, s := range subs {
		if t.firstSub(i) {
			keys = append(keys, s.name)
		}
	}
	return keys
}

// Len returns the number of keys of t, as a map of it would have: its
// keys, and the names of its sub-tables.
func (t Table) Len() int {
	n := int(t.t.hi - t.t.lo)
	for i := range t.t.subHi - t.t.subLo {
		if t.firstSub(int(i)) {
			n++
		}
	}
	return n
}

// firstSub reports whether the i-th sub-table of t is the first of its
// name.
func (t Table) firstSub(i int) bool {
	subs := t.d.subs[t.t.subLo:t.t.subHi]
	for _, s := range subs[:i] {
		if s.name == subs[i].name {
			return false
		}
	}
	return true
}

// EachKey calls f with each key of t, as Keys gives them, until f
// returns false; it reports whether f returned true for every key. It
// makes no list.
func (t Table) EachKey(f func(key string) bool) bool {
	for i := t.t.lo; i < t.t.hi; i++ {
		if !f(t.d.keyOf(&t.d.fields[i])) {
			return false
		}
	}
	for i, s := range t.d.subs[t.t.subLo:t.t.subHi] {
		if t.firstSub(i) && !f(s.name) {
			return false
		}
	}
	return true
}

// Has reports whether t has key, as a map of it would.
func (t Table) Has(key string) bool {
	if t.t.has(t.d, key) {
		return true
	}
	if t.t.subKeys&keyBit(key) == 0 {
		return false
	}
	for _, s := range t.d.subs[t.t.subLo:t.t.subHi] {
		if s.name == key {
			return true
		}
	}
	return false
}

// has reports whether t has the key k; sub-tables aside.
func (t *table) has(d *Doc, k string) bool {
	if t.keys&keyBit(k) == 0 {
		return false
	}
	for i := t.lo; i < t.hi; i++ {
		if d.keyOf(&d.fields[i]) == k {
			return true
		}
	}
	return false
}

// Value returns the value of key in t; ok is false when t has no such
// key, or when key names sub-tables (see Tables).
func (t Table) Value(key string) (v Value, ok bool) {
	if t.t.keys&keyBit(key) == 0 {
		return Value{}, false
	}
	for i := t.t.lo; i < t.t.hi; i++ {
		if f := &t.d.fields[i]; t.d.keyOf(f) == key {
			return Value{t.d, *f}, true
		}
	}
	return Value{}, false
}

// Tables returns the sub-tables of t named key, in order; ok is false
// when it has none.
func (t Table) Tables(key string) (list []Table, ok bool) {
	n := t.NumTables(key)
	if n == 0 {
		return nil, false
	}
	return t.AppendTables(make([]Table, 0, n), key), true
}

// NumTables returns the number of sub-tables of t named key.
func (t Table) NumTables(key string) int {
	if t.t.subKeys&keyBit(key) == 0 {
		return 0
	}
	n := 0
	for _, s := range t.d.subs[t.t.subLo:t.t.subHi] {
		if s.name == key {
			n++
		}
	}
	return n
}

// AppendTables appends the sub-tables of t named key to list, in order,
// and returns it.
func (t Table) AppendTables(list []Table, key string) []Table {
	if t.t.subKeys&keyBit(key) == 0 {
		return list
	}
	for _, s := range t.d.subs[t.t.subLo:t.t.subHi] {
		if s.name == key {
			list = append(list, Table{t.d, s.table})
		}
	}
	return list
}

// Get returns the value of key in t as a map of t would hold it, with
// the Go types toml.Decode gives (see Value.Any); ok is false when t has
// no such key.
func (t Table) Get(key string) (v any, ok bool) {
	if v, ok := t.Value(key); ok {
		return v.Any(), true
	}
	list, ok := t.Tables(key)
	if !ok {
		return nil, false
	}
	maps := make([]map[string]any, len(list))
	for i, s := range list {
		maps[i] = s.Map()
	}
	return maps, true
}

// Map returns t as toml.Decode gives it.
func (t Table) Map() map[string]any {
	m := make(map[string]any, t.Len())
	for _, k := range t.Keys() {
		m[k], _ = t.Get(k)
	}
	return m
}
