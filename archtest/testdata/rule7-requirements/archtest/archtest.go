// Package archtest is a tool.
package archtest
