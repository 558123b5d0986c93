package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// SetupLayer is the name archtest gives the root package of a context module,
// the context's setup package (its front door). It sits above every layer in
// Config.Layers.
const SetupLayer = "setup"

// Config says what each module of the workspace is and how strict each layer
// is. It is read from archtest.json at the workspace root; a key that the file
// leaves out keeps its value from DefaultConfig, and an unknown key is an
// error.
//
// Modules are named by their go.work use directory relative to the workspace
// root, slash-separated ("books", or "modules/books" for use ./modules/books).
// In the package patterns below, a leading module name stands for that
// module's path ("shared/errs" is example.com/bookapp/shared/errs), "..." is a
// wildcard as in the go command ("shared/errs/..." is shared/errs and all
// below it), and anything else is taken as written (a standard library or
// third-party path).
type Config struct {
	// Contexts are the bounded-context modules.
	Contexts []string `json:"contexts"`
	// Kernel is the shared-kernel module every context may import.
	Kernel string `json:"kernel"`
	// Apps are the composition roots: the only modules that import contexts.
	Apps []string `json:"apps"`
	// Tools are modules that nothing imports and that import no context,
	// such as archtest itself.
	Tools []string `json:"tools"`
	// DevTools are modules of developer tooling (a local PostgreSQL, test
	// databases, test clocks): any test file and the apps and tools may
	// import them, production code of the contexts and the kernel may not
	// (rule 9), and they import only the kernel.
	DevTools []string `json:"devTools"`

	// Layers are the layer directories of a context, lowest first. The
	// context's root package is the setup layer, above all of them.
	Layers []string `json:"layers"`
	// PublicLayers are the layers an app may import besides the setup
	// package; the others are private to their context.
	PublicLayers []string `json:"publicLayers"`
	// CommonMarker marks a package that other packages of its own layer may
	// import: a path element (below the module) whose name contains it.
	CommonMarker string `json:"commonMarker"`

	// AllowedModules restricts, per layer (or "setup"), the third-party
	// module patterns that layer's packages may import. A layer without an
	// entry may import any module its context's go.mod requires; one with an
	// entry may import only the listed modules, and only if go.mod requires
	// them too.
	AllowedModules map[string][]string `json:"allowedModules"`
	// TestModules are third-party module patterns any context's test files
	// may import on top of AllowedModules (go-cmp in a domain test does not
	// make the domain impure). go.mod must still require them.
	TestModules []string `json:"testModules"`

	// PureLayer is the layer rule 4 (domain purity) applies to.
	PureLayer string `json:"pureLayer"`
	// PureKernel are the kernel package patterns the pure layer may import:
	// the pure parts of the kernel.
	PureKernel []string `json:"pureKernel"`
	// DeniedStd are the standard-library package patterns the pure layer
	// may not import; the rest of the standard library is allowed.
	DeniedStd []string `json:"deniedStd"`

	// DataLayer is the layer whose string literals rule 10 (data
	// isolation) reads as SQL, on top of every .sql file of a context.
	DataLayer string `json:"dataLayer"`
}

// DefaultConfig returns the defaults, used for every key that the config
// file leaves out and when there is no config file at all: the classic
// four layers with service public to the app. bookapp's own archtest.json
// adds the httpapi layer and makes no layer public (the app imports only
// setup packages).
func DefaultConfig() *Config {
	return &Config{
		Contexts:       []string{"books", "orders", "users"},
		Kernel:         "shared",
		Apps:           []string{"app"},
		Tools:          []string{"archtest"},
		DevTools:       []string{"devtools"},
		Layers:         []string{"domain", "persistence", "infrastructure", "service"},
		PublicLayers:   []string{"service"},
		CommonMarker:   "common",
		AllowedModules: map[string][]string{"domain": {"github.com/google/uuid"}},
		TestModules:    []string{"github.com/google/go-cmp"},
		PureLayer:      "domain",
		PureKernel:     []string{"shared/errs/...", "shared/auth/...", "shared/contracts/...", "shared/clock/..."},
		DeniedStd: []string{
			"database/sql/...", "net", "net/http/...", "net/rpc/...", "net/smtp",
			"os/exec", "os/signal", "plugin", "syscall", "unsafe",
		},
		DataLayer: "persistence",
	}
}

// LoadConfig reads the config file at path on top of DefaultConfig. If
// optional is true a missing file yields the defaults; otherwise it is an
// error.
func LoadConfig(path string, optional bool) (*Config, error) {
	data, err := os.ReadFile(path)
	if optional && errors.Is(err, fs.ErrNotExist) {
		return DefaultConfig(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// ParseConfig decodes a config file's content on top of DefaultConfig and
// validates the result.
func ParseConfig(data []byte) (*Config, error) {
	var file Config
	if err := decodeStrict(data, &file); err != nil {
		return nil, err
	}
	cfg := DefaultConfig()
	// A key present in the file replaces the default whole, so that an
	// explicit empty list ([]) means "none" and not "the defaults".
	setSlice(&cfg.Contexts, file.Contexts)
	setString(&cfg.Kernel, file.Kernel)
	setSlice(&cfg.Apps, file.Apps)
	setSlice(&cfg.Tools, file.Tools)
	setSlice(&cfg.DevTools, file.DevTools)
	setSlice(&cfg.Layers, file.Layers)
	setSlice(&cfg.PublicLayers, file.PublicLayers)
	setString(&cfg.CommonMarker, file.CommonMarker)
	if file.AllowedModules != nil {
		cfg.AllowedModules = file.AllowedModules
	}
	setSlice(&cfg.TestModules, file.TestModules)
	setString(&cfg.PureLayer, file.PureLayer)
	setSlice(&cfg.PureKernel, file.PureKernel)
	setSlice(&cfg.DeniedStd, file.DeniedStd)
	setString(&cfg.DataLayer, file.DataLayer)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func setSlice(dst *[]string, src []string) {
	if src != nil {
		*dst = src
	}
}

func setString(dst *string, src string) {
	if src != "" {
		*dst = src
	}
}

// Validate reports the first inconsistency in c: a module named twice, an
// unknown layer, an empty name.
func (c *Config) Validate() error {
	if len(c.Contexts) == 0 {
		return errors.New("contexts: at least one context module is needed")
	}
	seen := map[string]string{}
	add := func(role, name string) error {
		if name == "" || strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") {
			return fmt.Errorf("%s: %q is not a module directory name", role, name)
		}
		if other, ok := seen[name]; ok {
			return fmt.Errorf("%s: module %q is already listed in %s", role, name, other)
		}
		seen[name] = role
		return nil
	}
	for _, n := range c.Contexts {
		if err := add("contexts", n); err != nil {
			return err
		}
	}
	if err := add("kernel", c.Kernel); err != nil {
		return err
	}
	for _, n := range c.Apps {
		if err := add("apps", n); err != nil {
			return err
		}
	}
	for _, n := range c.Tools {
		if err := add("tools", n); err != nil {
			return err
		}
	}
	for _, n := range c.DevTools {
		if err := add("devTools", n); err != nil {
			return err
		}
	}

	if len(c.Layers) == 0 {
		return errors.New("layers: at least one layer is needed")
	}
	for i, l := range c.Layers {
		if l == "" || strings.Contains(l, "/") || l == SetupLayer {
			return fmt.Errorf("layers: %q is not a layer directory name", l)
		}
		if slices.Contains(c.Layers[:i], l) {
			return fmt.Errorf("layers: %q is listed twice", l)
		}
	}
	for _, l := range c.PublicLayers {
		if !slices.Contains(c.Layers, l) {
			return fmt.Errorf("publicLayers: %q is not in layers", l)
		}
	}
	for l := range c.AllowedModules {
		if l != SetupLayer && !slices.Contains(c.Layers, l) {
			return fmt.Errorf("allowedModules: %q is not in layers (nor %q)", l, SetupLayer)
		}
	}
	if c.CommonMarker == "" {
		return errors.New("commonMarker: must not be empty")
	}
	if !slices.Contains(c.Layers, c.PureLayer) {
		return fmt.Errorf("pureLayer: %q is not in layers", c.PureLayer)
	}
	if !slices.Contains(c.Layers, c.DataLayer) {
		return fmt.Errorf("dataLayer: %q is not in layers", c.DataLayer)
	}
	return nil
}

// role returns the kind of the module named name, or KindUnknown.
func (c *Config) role(name string) Kind {
	switch {
	case slices.Contains(c.Contexts, name):
		return KindContext
	case name == c.Kernel:
		return KindKernel
	case slices.Contains(c.Apps, name):
		return KindApp
	case slices.Contains(c.Tools, name):
		return KindTool
	case slices.Contains(c.DevTools, name):
		return KindDevTools
	}
	return KindUnknown
}

// rank returns the position of layer in the layer order, the setup layer
// being the highest, or -1 for an unknown layer.
func (c *Config) rank(layer string) int {
	if layer == SetupLayer {
		return len(c.Layers)
	}
	return slices.Index(c.Layers, layer)
}

// decodeStrict decodes data, one JSON object with no unknown fields, into v:
// a misspelt key in a config or exceptions file is an error, not a silent
// default.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON object")
	}
	return nil
}
