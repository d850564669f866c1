package assign

import "testing"

// FuzzScenario: any scenario that parses and validates assigns without
// panicking, every partition at most once and only to subscribers.
func FuzzScenario(f *testing.F) {
	f.Add([]byte(`{"assignor":"sticky","client":"java","topics":{"t":3},"members":[{"id":"c1","subscription":["t"],"owned":{"t":[0,1,2]},"generation":1},{"id":"c2","subscription":["t"]}]}`))
	f.Add([]byte(`{"assignor":"range","client":"librdkafka","topics":{"a":2,"b":0},"members":[{"id":"x","instance_id":"i","subscription":["a","b"]}]}`))
	f.Add([]byte(`{"assignor":"cooperative-sticky","topics":{"t":4},"members":[{"id":"a","subscription":["t","u"],"owned":{"t":[3,3,9]}},{"id":"b","subscription":["t"],"owned":{"t":[3]}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseScenario("fuzz", b)
		if err != nil {
			return
		}
		total := 0
		for _, n := range s.Topics {
			total += int(max(n, 0))
		}
		if total > 5000 || len(s.Members) > 200 || s.Client == FranzGo {
			return // keep runs fast; kgo's balancers are kgo's to fuzz
		}
		a, err := Assign(s)
		if err != nil {
			return
		}
		checkValid(t, s, a, false)
	})
}
