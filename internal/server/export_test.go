package server

import "net/http"

// StaticHandler is the handler of /static/, for browser tests that serve a
// page of their own beside the real static files.
func StaticHandler() http.Handler { return staticHandler() }

// SecurityHeaders wraps h in the headers (the CSP among them) that the
// server sets on every response.
func SecurityHeaders(h http.Handler) http.Handler { return (&Server{}).securityHeaders(h) }
