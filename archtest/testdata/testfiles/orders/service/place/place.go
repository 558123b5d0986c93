// Package place places orders.
package place

// Name names the feature.
const Name = "place"
