// Package ids makes ids; shared/go.mod does not require uuid.
package ids

import "github.com/google/uuid"

// ID is an id.
type ID = uuid.UUID
