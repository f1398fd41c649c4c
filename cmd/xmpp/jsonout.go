package main

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"

	"github.com/protoxmpp/protoxmpp/stanza"
)

// The JSON form of decoded elements (decode -json).
//
// Each top-level element is one line holding one object:
//
//	{"offset":0,"element":"{jabber:client}message","type":"xmpp.Message","value":{...}}
//
// offset is the element's byte offset in the input, element its expanded
// name in Clark notation, type the Go type of its typed value (the generated
// type, or stanza.RawElement for an element no schema describes) and value
// that Go value as encoding/json would write it, with three differences
// that make it useful:
//
//   - a field at its zero value (empty string, false, 0, nil pointer, empty
//     slice) is left out, as if every field were tagged omitzero;
//   - a value held in an interface of type stanza.Element (the Any slices of
//     open content) is wrapped as {"element":..., "type":..., "value":...},
//     so that the JSON says what each payload is;
//   - an error (RawElement.Err) is its message as a string.
//
// A RawElement's value is {"Name":{"Space":...,"Local":...},"XML":"...",
// "Scope":[{"Prefix":...,"Space":...}]}: the element exactly as received and
// the namespace bindings it relies on.

var (
	elementType       = reflect.TypeFor[stanza.Element]()
	errorType         = reflect.TypeFor[error]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// appendJSONLine appends the JSON object for top-level element el found at
// input offset off.
func appendJSONLine(b []byte, el stanza.Element, off int64) ([]byte, error) {
	b = append(b, `{"offset":`...)
	b = strconv.AppendInt(b, off, 10)
	b = append(b, ',')
	return appendElementFields(b, el)
}

// appendJSONElement appends the wrapped form of an element held in an
// interface.
func appendJSONElement(b []byte, el stanza.Element) ([]byte, error) {
	b = append(b, '{')
	return appendElementFields(b, el)
}

func appendElementFields(b []byte, el stanza.Element) ([]byte, error) {
	n := el.ElementName()
	b = append(b, `"element":`...)
	b = appendJSONString(b, "{"+n.Space+"}"+n.Local)
	b = append(b, `,"type":`...)
	t := reflect.TypeOf(el)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	b = appendJSONString(b, t.String())
	b = append(b, `,"value":`...)
	b, err := appendJSONValue(b, reflect.ValueOf(el))
	return append(b, '}'), err
}

// appendJSONValue appends v as encoding/json would, with the differences
// documented above.
func appendJSONValue(b []byte, v reflect.Value) ([]byte, error) {
	if !v.IsValid() {
		return append(b, "null"...), nil
	}
	t := v.Type()
	if t.Kind() == reflect.Interface {
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		x := v.Elem()
		if el, ok := x.Interface().(stanza.Element); ok && t.Implements(elementType) {
			return appendJSONElement(b, el)
		}
		if err, ok := x.Interface().(error); ok && t.Implements(errorType) {
			return appendJSONString(b, err.Error()), nil
		}
		return appendJSONValue(b, x)
	}
	if t.Kind() == reflect.Pointer && v.IsNil() {
		return append(b, "null"...), nil
	}
	if t.Implements(jsonMarshalerType) || t.Implements(textMarshalerType) {
		j, err := json.Marshal(v.Interface())
		return append(b, j...), err
	}
	switch t.Kind() {
	case reflect.Pointer:
		return appendJSONValue(b, v.Elem())
	case reflect.Struct:
		b = append(b, '{')
		first := true
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			fv := v.Field(i)
			if fv.IsZero() || (fv.Kind() == reflect.Slice && fv.Len() == 0) {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendJSONString(b, f.Name)
			b = append(b, ':')
			var err error
			if b, err = appendJSONValue(b, fv); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && v.IsNil() {
			return append(b, "null"...), nil
		}
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			j, err := json.Marshal(v.Bytes()) // base64, as encoding/json does
			return append(b, j...), err
		}
		b = append(b, '[')
		for i := range v.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSONValue(b, v.Index(i)); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case reflect.Map:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		keys := v.MapKeys()
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = fmt.Sprint(k.Interface())
		}
		idx := make([]int, len(keys))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, c int) int {
			switch {
			case names[a] < names[c]:
				return -1
			case names[a] > names[c]:
				return 1
			}
			return 0
		})
		b = append(b, '{')
		for n, i := range idx {
			if n > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, names[i])
			b = append(b, ':')
			var err error
			if b, err = appendJSONValue(b, v.MapIndex(keys[i])); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	case reflect.String:
		return appendJSONString(b, v.String()), nil
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(b, v.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsInf(f, 0) || math.IsNaN(f) {
			// JSON has no number for these: write them as XSD does.
			s := "NaN"
			if math.IsInf(f, 1) {
				s = "INF"
			} else if math.IsInf(f, -1) {
				s = "-INF"
			}
			return appendJSONString(b, s), nil
		}
		j, err := json.Marshal(f)
		return append(b, j...), err
	}
	return b, fmt.Errorf("no JSON form for a value of type %s", t)
}

// appendJSONString appends s as a JSON string, as encoding/json writes it
// but without escaping <, > and & (XML reads better unescaped).
func appendJSONString(b []byte, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}
