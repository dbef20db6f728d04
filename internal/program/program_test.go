package program

import (
	"os"
	"strings"
	"testing"
)

func TestID(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	id := ID()
	if !strings.HasPrefix(id, exe+"\n") || ID() != id {
		t.Errorf("ID() = %q, want the program's path, size and time, the same each call", id)
	}
}
