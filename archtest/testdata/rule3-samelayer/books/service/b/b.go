// Package b is another feature.
package b

// Name names the feature.
const Name = "b"
