package openai

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is an error with its HTTP status and OpenAI's error fields.
type apiError struct {
	Status  int     `json:"-"`
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

func (e *apiError) Error() string { return e.Message }

// Error types, as OpenAI names them.
const (
	typeInvalid     = "invalid_request_error"
	typeServer      = "server_error"
	typeUnavailable = "service_unavailable_error"
)

func strp(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func badRequest(param, code, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Type: typeInvalid, Message: fmt.Sprintf(format, args...), Param: strp(param), Code: strp(code)}
}

func errorf(status int, typ, param, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Type: typ, Message: fmt.Sprintf(format, args...), Param: strp(param), Code: strp(code)}
}

// errorBody is the JSON document of an error response and of an error
// event inside a stream.
func errorBody(e *apiError) []byte {
	b, err := json.Marshal(struct {
		Error *apiError `json:"error"`
	}{e})
	if err != nil {
		panic("BUG: openai: encoding an error: " + err.Error())
	}
	return b
}

func writeError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(e.Status)
	w.Write(append(errorBody(e), '\n'))
}
