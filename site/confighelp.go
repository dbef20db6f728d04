package site

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/BurntSushi/toml"
)

// configKeyHelp returns what to add to `unknown key "x"` for key k of
// site.toml: the closest key of the table k is in; else, in a table, the
// keys that table takes, and at the top level, the tables where the key
// belongs.
func configKeyHelp(k toml.Key) string {
	parent, name := k[:len(k)-1], k[len(k)-1]
	t, ok := configTable(parent)
	if !ok {
		return ""
	}
	keys := tomlKeys(t)
	if s := suggest(name, keys); s != "" {
		return s
	}
	if len(parent) > 0 {
		return fmt.Sprintf("; %s takes %s", tableName(parent), strings.Join(keys, ", "))
	}
	if where := tablesWith(name); len(where) > 0 {
		return fmt.Sprintf(" (%q belongs in %s)", name, strings.Join(where, " or "))
	}
	return ""
}

// configTable returns the struct type of the table at path in Config.
func configTable(path toml.Key) (reflect.Type, bool) {
	t := reflect.TypeFor[Config]()
	for _, part := range path {
		f, ok := tomlField(t, part)
		if !ok {
			return nil, false
		}
		t = f.Type
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil, false
		}
	}
	return t, true
}

// tomlField returns the field of struct t whose toml tag is name.
func tomlField(t reflect.Type, name string) (reflect.StructField, bool) {
	for f := range t.Fields() {
		if tomlTag(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// tomlKeys returns the keys struct t takes, in field order.
func tomlKeys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		if tag := tomlTag(f); tag != "" {
			keys = append(keys, tag)
		}
	}
	return keys
}

func tomlTag(f reflect.StructField) string {
	tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	return tag
}

// tablesWith returns the tables of Config (as written in site.toml, the
// top level as "the top level") that take key name.
func tablesWith(name string) []string {
	var where []string
	var walk func(t reflect.Type, path toml.Key)
	walk = func(t reflect.Type, path toml.Key) {
		if _, ok := tomlField(t, name); ok {
			if len(path) == 0 {
				where = append(where, "the top level")
			} else {
				where = append(where, tableName(path))
			}
		}
		for f := range t.Fields() {
			ft := f.Type
			if ft.Kind() == reflect.Slice || ft.Kind() == reflect.Array {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				walk(ft, append(path[:len(path):len(path)], tomlTag(f)))
			}
		}
	}
	walk(reflect.TypeFor[Config](), nil)
	return where
}

// tableName writes the table at path as its header: [map], [[layer]],
// [[map.tiles]].
func tableName(path toml.Key) string {
	t := reflect.TypeFor[Config]()
	array := false
	for _, part := range path {
		f, ok := tomlField(t, part)
		if !ok {
			break
		}
		t, array = f.Type, false
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			t, array = t.Elem(), true
		}
	}
	if array {
		return "[[" + path.String() + "]]"
	}
	return "[" + path.String() + "]"
}
