package server

import (
	"net/http"

	"github.com/tiaojie/tiaojie/internal/admission"
)

// StaticHandler is the handler of /static/, for browser tests that serve a
// page of their own beside the real static files.
func StaticHandler() http.Handler { return staticHandler() }

// SecurityHeaders wraps h in the headers (the CSP among them) that the
// server sets on every response.
func SecurityHeaders(h http.Handler) http.Handler { return (&Server{}).securityHeaders(h) }

// ReadGate is the gate that admits GET requests (package admission).
func (s *Server) ReadGate() *admission.Gate { return s.reads }
