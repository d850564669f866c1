package describe

import "testing"

func TestLagFilter(t *testing.T) {
	t.Parallel()
	cases := []struct {
		expr string
		lag  *int64
		want bool
	}{
		{">5", i64(6), true}, {">5", i64(5), false}, {">=5", i64(5), true}, {"<5", i64(4), true},
		{"<5", i64(5), false}, {"<=5", i64(5), true}, {"=0", i64(0), true}, {"=0", i64(1), false},
		{" > 5 ", i64(6), true},
		// Unknown is not 0: it never matches, whatever the expression.
		{"=0", nil, false}, {"<5", nil, false}, {">=0", nil, false},
	}
	for _, c := range cases {
		f, err := ParseLagFilter(c.expr)
		if err != nil {
			t.Fatalf("%q: %v", c.expr, err)
		}
		if got := f.Match(c.lag); got != c.want {
			t.Errorf("%q matches %v = %v, want %v", c.expr, show(c.lag), got, c.want)
		}
	}
	for _, bad := range []string{"", "5", ">>3", "=>3", ">-1", ">x", ">", "<3.5", ">+3"} {
		if _, err := ParseLagFilter(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestSortGroups(t *testing.T) {
	t.Parallel()
	st := func(s string) *string { return &s }
	gs := []GroupView{
		{Group: "b", State: st("Stable"), TotalLag: i64(5)},
		{Group: "a", State: st("Empty"), TotalLag: nil},
		{Group: "c", State: nil, TotalLag: i64(50)},
		{Group: "d", State: st("Empty"), TotalLag: i64(5)},
	}
	order := func() string {
		s := ""
		for _, g := range gs {
			s += g.Group
		}
		return s
	}
	SortGroups(gs, "name")
	if order() != "abcd" {
		t.Fatalf("name: %s", order())
	}
	SortGroups(gs, "lag")
	if order() != "cbda" { // 50, 5 (b, d by name), unknown last
		t.Fatalf("lag: %s", order())
	}
	SortGroups(gs, "state")
	if order() != "adbc" { // Empty (a, d), Stable, unknown last
		t.Fatalf("state: %s", order())
	}
	for _, bad := range []string{"size", ""} {
		if _, err := ParseSort(bad); err == nil {
			t.Errorf("--sort %q parsed", bad)
		}
	}
	if _, err := ParseBy("host"); err == nil {
		t.Error("--by host parsed")
	}
}
