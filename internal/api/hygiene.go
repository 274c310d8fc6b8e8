package api

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// checkJSONText applies domain.CheckText to every string of a JSON body,
// keys included, before it is decoded into its request type: whatever the
// type (nested objects, arrays, raw messages), every field is covered,
// new ones too. An escaped lone surrogate ("\ud800"), which the decoder turns
// into U+FFFD, is refused like invalid UTF-8. Field is the value's path
// ("terms.0.content"). Malformed JSON is left to the decoder's messages.
func checkJSONText(body []byte) *domain.FieldError {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	type frame struct {
		object bool
		key    string // the current key (objects) or index (arrays)
		n      int    // array: elements seen
		want   bool   // object: the next string is a key
	}
	var stack []frame
	path := func() string {
		parts := make([]string, 0, len(stack))
		for _, f := range stack {
			parts = append(parts, f.key)
		}
		return strings.Join(parts, ".")
	}
	// value ends one value in the innermost container.
	value := func() {
		if len(stack) == 0 {
			return
		}
		top := &stack[len(stack)-1]
		if top.object {
			top.want = true
		} else {
			top.n++
			top.key = strconv.Itoa(top.n)
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{object: true, want: true})
			case '[':
				stack = append(stack, frame{key: "0"})
			default:
				stack = stack[:len(stack)-1]
				value()
			}
		case string:
			if len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].want {
				top := &stack[len(stack)-1]
				if fe := domain.CheckLine("", t); fe != nil {
					return &domain.FieldError{Field: path(), Message: fe.Message}
				}
				top.key, top.want = t, false
				continue
			}
			if fe := domain.CheckText(path(), t); fe != nil {
				return fe
			}
			value()
		default:
			value()
		}
	}
}
