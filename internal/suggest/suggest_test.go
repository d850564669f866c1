package suggest

import "testing"

func TestClosest(t *testing.T) {
	cands := []string{"session.timeout.ms", "sasl.mechanism", "bootstrap.servers"}
	cases := map[string]string{
		"sasl.mechansim": "sasl.mechanism", "bootstrap.server": "bootstrap.servers",
		"sesion.timeout.ms": "session.timeout.ms", "totally.different": "",
	}
	for in, want := range cases {
		if got := Closest(in, cands, 3); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
	if Distance("kitten", "sitting") != 3 || Distance("", "abc") != 3 || Distance("same", "same") != 0 {
		t.Error("Distance is wrong")
	}
}
