// Command kratos is Ory Kratos v1.3.1, built from the Go module proxy for this
// project's tests (see scripts/kratos.sh). Importing /cmd rather than the root
// package keeps Kratos' tool modules out of the build.
package main

import "github.com/ory/kratos/cmd"

func main() { cmd.Execute() }
