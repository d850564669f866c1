// Command kgroups administers Apache Kafka consumer groups.
package main

import (
	"os"

	"github.com/kgroups/kgroups/cmd"
)

// Set by the linker: -X main.version=... -X main.commit=... -X main.date=...
var version, commit, date string

func main() {
	os.Exit(cmd.Main(cmd.BuildInfo{Version: version, Commit: commit, Date: date}))
}
