// Command hydra is Ory Hydra v2.3.0, built from the Go module proxy so that the
// integration and end-to-end tests of hydra-logout-ui run against the real
// server instead of a stub. Import /cmd, not the module root, which drags in
// Hydra's tool dependencies.
package main

import "github.com/ory/hydra/v2/cmd"

func main() { cmd.Execute() }
