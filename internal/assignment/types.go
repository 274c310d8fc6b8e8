package assignment

import "github.com/tiaojie/tiaojie/internal/store"

// User is a mediator as the assignment forms list them (named here so
// pages depend on this capability, not on the store).
type User = store.User
