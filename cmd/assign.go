package cmd

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/assign"
	"github.com/kgroups/kgroups/completions"
)

// AssignOptions are the resolved flags of `kgroups assign`.
type AssignOptions struct {
	f                      *Factory
	Scenario               assign.Scenario
	FromGroup              string
	Change                 assign.Change
	Compare                []string
	Racks                  map[string]string // --rack MEMBER=RACK
	assignorSet, clientSet bool
}

// NewCmdAssign builds `kgroups assign`.
func NewCmdAssign(f *Factory, comp *completions.Completer, runF func(*AssignOptions) error) *cobra.Command {
	opts := &AssignOptions{f: f}
	var consumers, partitions, join int
	var topics, leave, joinIDs, racks []string
	var file, compare string
	cmd := &cobra.Command{
		Use:   "assign",
		Short: "Preview what an assignor gives N consumers, and what moves when one joins or leaves",
		Long: `Compute, offline, the assignment a partition assignor produces, exactly as the
chosen client does:
  --client java        Kafka's Java client: member order (static members first),
                       range, roundrobin, and sticky / cooperative-sticky with the
                       constrained path (Java HashMap iteration order) and the
                       general path, cooperative withholding of moving partitions
  --client librdkafka  librdkafka's member order (differs with static members);
                       cooperative-sticky approximated (see notes); no eager sticky
  --client franz-go    kgo's own balancers are run
  --client kafka-python  kafka-python 2.0.2: range, roundrobin, its own sticky port
Server-side (KIP-848): --assignor uniform or server-range.
Input: --consumers N --partitions P (one topic), --topic NAME=P (repeatable),
--from-file scenario.json, or --from-group G (a live group's members,
subscriptions and partitions; dials the cluster).
--join N / --leave MEMBER simulate a change: before and after, which partitions
move, and how many pause (eager: all; cooperative: the moving ones, over two
rebalances). --join-id ID names a joiner (repeatable): assignors order members
by id, and the output says when the result depends on it. Each client rejoins
as it really does (franz-go's eager sticky sends no previous assignment).
A cooperative preview shows round 1 and the target, and where each withheld
partition lands. --compare A,B shows other assignors on the same input.`,
		Example: `  kgroups assign --assignor range --consumers 3 --topic orders=12 --topic payments=6
  kgroups assign --assignor cooperative-sticky --consumers 4 --partitions 12 --join 1
  kgroups assign --from-group orders-svc --join-id rdkafka-5c1e-4b7a
  kgroups assign --assignor range --consumers 8 --partitions 6 --compare roundrobin,cooperative-sticky
  kgroups assign --from-group orders-svc --assignor cooperative-sticky --client librdkafka --leave c02
  kgroups assign --from-file scenario.json -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fl := cmd.Flags()
			opts.assignorSet, opts.clientSet = fl.Changed("assignor"), fl.Changed("client")
			inputs := 0
			for _, set := range []bool{fl.Changed("consumers") || fl.Changed("partitions") || fl.Changed("topic"), file != "", opts.FromGroup != ""} {
				if set {
					inputs++
				}
			}
			switch {
			case inputs == 0:
				return flagErrorf("give the group: --consumers N with --partitions P or --topic NAME=P, or --from-file FILE, or --from-group G")
			case inputs > 1:
				return flagErrorf("--consumers/--partitions/--topic, --from-file and --from-group exclude each other")
			}
			if join < 0 {
				return flagErrorf("--join %d: want 0 or more", join)
			}
			seenJoin := map[string]bool{}
			for _, id := range joinIDs {
				if strings.TrimSpace(id) == "" {
					return flagErrorf("--join-id %q: want a member id", id)
				}
				if seenJoin[id] {
					return flagErrorf("--join-id %s is given twice", id)
				}
				seenJoin[id] = true
			}
			if fl.Changed("join") && join < len(joinIDs) {
				return flagErrorf("--join %d with %d --join-id: --join counts every joiner, named or not (want at least %d)", join, len(joinIDs), len(joinIDs))
			}
			opts.Change = assign.Change{Join: max(join, len(joinIDs)), JoinIDs: joinIDs, Leave: leave}
			if compare != "" {
				seen := map[string]bool{}
				for _, a := range strings.Split(compare, ",") {
					a = strings.ToLower(strings.TrimSpace(a))
					if !slices.Contains(assign.Assignors, a) {
						return flagErrorf("--compare %q: %q is not an assignor; use: %s", compare, a, strings.Join(assign.Assignors, ", "))
					}
					if seen[a] {
						return flagErrorf("--compare %q: %s is given twice", compare, a)
					}
					seen[a] = true
					opts.Compare = append(opts.Compare, a)
				}
				if opts.Change.Join > 0 || len(leave) > 0 {
					return flagErrorf("--compare shows assignments side by side; simulate --join/--leave for one assignor at a time")
				}
			}
			if file != "" {
				s, err := readScenario(file)
				if err != nil {
					return err
				}
				if opts.assignorSet {
					s.Assignor = opts.Scenario.Assignor
				}
				if opts.clientSet || s.Client == "" {
					s.Client = opts.Scenario.Client
				}
				opts.Scenario = s
			} else if opts.FromGroup == "" {
				// With --compare and no --assignor, the columns are the
				// --compare list: its first assignor leads, not the
				// --assignor default.
				if !opts.assignorSet && len(opts.Compare) > 0 {
					opts.Scenario.Assignor = opts.Compare[0]
				}
				old, err := quickScenario(&opts.Scenario, consumers, partitions, topics, fl.Changed("partitions"))
				if err != nil {
					return err
				}
				for _, spec := range old {
					name, n, _ := strings.Cut(spec, ":")
					f.Warnf("--topic %s is deprecated for a partition count (NAME:P is a partition list elsewhere); write --topic %s=%s", spec, name, n)
				}
			}
			opts.Racks = map[string]string{}
			for _, spec := range racks {
				member, rack, ok := strings.Cut(spec, "=")
				if !ok || member == "" || rack == "" {
					return flagErrorf("--rack %q: want MEMBER=RACK, e.g. c01=us-east-1a", spec)
				}
				opts.Racks[member] = rack
			}
			if opts.FromGroup == "" {
				if err := applyRacks(&opts.Scenario, opts.Racks); err != nil {
					return err
				}
				if err := opts.Scenario.Validate(); err != nil {
					return &FlagError{Msg: err.Error()}
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return assignRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Scenario.Assignor, "assignor", assign.Range, "assignor: "+strings.Join(assign.Assignors, ", "))
	fl.StringVar(&opts.Scenario.Client, "client", assign.Java, "whose implementation: "+strings.Join(assign.Clients, ", "))
	fl.IntVar(&consumers, "consumers", 0, "number of consumers (ids c01, c02, ...)")
	fl.IntVar(&partitions, "partitions", 0, "partitions of the one topic (named topic)")
	fl.StringArrayVar(&topics, "topic", nil, "a subscribed topic and its partition count, `NAME=PARTITIONS` (repeatable; the old NAME:PARTITIONS still works, with a notice)")
	fl.StringVar(&file, "from-file", "", "scenario `FILE` (JSON: assignor, client, topics, topic_ids, members with subscription/owned/generation)")
	fl.StringVar(&opts.FromGroup, "from-group", "", "read members, subscriptions and partitions from this live group")
	fl.IntVar(&join, "join", 0, "simulate N consumers joining (ids from --join-id, else joiner-1, joiner-2, ...)")
	fl.StringArrayVar(&racks, "rack", nil, "a member's client.rack, `MEMBER=RACK` (repeatable): rack-aware range (KIP-881) with the partitions' replica racks")
	fl.StringArrayVar(&joinIDs, "join-id", nil, "a joiner's member `ID` (repeatable; implies --join): range, roundrobin and sticky order members by id")
	fl.StringArrayVar(&leave, "leave", nil, "simulate this member leaving (repeatable)")
	fl.StringVar(&compare, "compare", "", "also show these assignors on the same input, e.g. roundrobin,cooperative-sticky")
	_ = cmd.RegisterFlagCompletionFunc("assignor", cobra.FixedCompletions(assign.Assignors, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("client", cobra.FixedCompletions(assign.Clients, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("from-group", comp.Groups)
	return cmd
}

// quickScenario builds c01..cNN subscribed to the given topics
// (NAME=PARTITIONS; the older NAME:PARTITIONS is returned as deprecated).
func quickScenario(s *assign.Scenario, consumers, partitions int, topics []string, partitionsSet bool) (deprecated []string, err error) {
	if consumers < 1 {
		return nil, flagErrorf("--consumers %d: want at least 1", consumers)
	}
	if consumers > 100000 {
		return nil, flagErrorf("--consumers %d: at most 100000", consumers)
	}
	s.Topics = map[string]int32{}
	var names []string
	if partitionsSet {
		if len(topics) > 0 {
			return nil, flagErrorf("--partitions names one topic; with several use --topic NAME=P for each")
		}
		if partitions < 1 || partitions > 10000000 {
			return nil, flagErrorf("--partitions %d: want 1 to 10000000", partitions)
		}
		s.Topics["topic"], names = int32(partitions), []string{"topic"}
	}
	for _, spec := range topics {
		name, n, ok := strings.Cut(spec, "=")
		if !ok {
			if name, n, ok = strings.Cut(spec, ":"); ok {
				deprecated = append(deprecated, spec)
			}
		}
		p, err := strconv.Atoi(n)
		if !ok || name == "" || err != nil || p < 1 || p > 10000000 {
			return nil, flagErrorf("--topic %q: want NAME=PARTITIONS, e.g. orders=12", spec)
		}
		if _, dup := s.Topics[name]; dup {
			return nil, flagErrorf("--topic %s is given twice", name)
		}
		s.Topics[name] = int32(p)
		names = append(names, name)
	}
	if len(names) == 0 {
		return nil, flagErrorf("give the partitions: --partitions P or --topic NAME=P")
	}
	width := max(2, len(strconv.Itoa(consumers)))
	for i := 1; i <= consumers; i++ {
		s.Members = append(s.Members, assign.Member{ID: fmt.Sprintf("c%0*d", width, i), Subscription: names})
	}
	return deprecated, nil
}

// readScenario reads a scenario file (assign.ParseScenario is strict).
func readScenario(path string) (assign.Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return assign.Scenario{}, flagErrorf("--from-file %s: file not found", path)
		}
		return assign.Scenario{}, flagErrorf("--from-file %s: cannot read: %v", path, err)
	}
	return assign.ParseScenario("--from-file "+path, b)
}

func assignRun(ctx context.Context, o *AssignOptions) error {
	p, err := o.f.Printer()
	if err != nil {
		return err
	}
	s := o.Scenario
	var current assign.Assignment
	var groupNote string // a KIP-848 group: which server assignor it uses
	if o.FromGroup != "" {
		r, err := o.f.startRun(ctx)
		if err != nil {
			return err
		}
		defer r.cancel()
		live, now, g, err := assign.FromGroup(r.ctx, r.clients.Kgo, o.FromGroup)
		if err != nil {
			return r.explain(err)
		}
		live.Assignor, live.Client = s.Assignor, s.Client
		if err := applyRacks(&live, o.Racks); err != nil {
			return err
		}
		// Preview the assignor the group uses now: a KIP-848 group's is the
		// broker's, never a client-side one.
		uses, err := g.Assignor()
		switch {
		case o.assignorSet:
		case err != nil:
			return err
		case uses != "":
			live.Assignor = uses
		case len(o.Compare) > 0:
			live.Assignor = o.Compare[0]
		}
		groupNote = g.Note(live.Assignor, o.assignorSet)
		if err := live.Validate(); err != nil {
			return err
		}
		s, current = live, now
	}
	doc := assign.Doc{SchemaVersion: 1, Assignor: s.Assignor, Client: s.Client, Notes: []string{}, Compare: []assign.CompareTo{}, Revoked: []assign.Move{}}
	if groupNote != "" {
		doc.Notes = append(doc.Notes, groupNote)
	}
	doc.Notes = append(doc.Notes, assign.Notes(s)...)
	if o.Change.Join > 0 || len(o.Change.Leave) > 0 {
		sim, err := assign.Simulate(s, o.Change)
		if err != nil {
			return err
		}
		after := s
		after.Members = sim.AfterMembers
		doc.Assignment = sim.After
		doc.Stats, doc.IdleMembers = assign.StatsOf(after, sim.After)
		leave := o.Change.Leave
		if leave == nil {
			leave = []string{}
		}
		doc.Simulation = &assign.SimDoc{Join: o.Change.Join, JoinIDs: o.Change.Joiners(s.Members), Leave: leave, Protocol: sim.Protocol, Before: sim.Before, Round1: sim.Round1,
			After: sim.After, Moves: sim.Moves, Revoked: sim.Revoked, Moved: len(sim.Moves), Paused: sim.Paused, Rounds: sim.Rounds, Total: sim.Total}
		variants, err := variantsNote(&doc, s, &o.Change)
		if err != nil {
			return err
		}
		// With a result that varies run to run, whether it depends on the
		// ids cannot be told: depends_on_member_ids stays null.
		if o.Change.Join > 0 && variants <= 1 {
			depends, err := assign.DependsOnJoinerIDs(s, o.Change)
			if err != nil {
				return err
			}
			doc.Simulation.DependsOnIDs = &depends
			switch {
			case depends && len(o.Change.JoinIDs) < o.Change.Join:
				doc.Notes = append(doc.Notes, "the result depends on the joiners' member ids (this assignor orders members by id) and joiner-N ids were invented here: a real joiner's id (client id + UUID, or its group.instance.id when static) sorts elsewhere among its peers' — give it with --join-id")
			case depends:
				doc.Notes = append(doc.Notes, "the result depends on the joiners' member ids (this assignor orders members by id); computed with the --join-id ids as given")
			}
		}
		return p.Assign(doc)
	}
	a, target, revoked, err := assign.Stages(s)
	if err != nil {
		return err
	}
	doc.Assignment, doc.Current, doc.Revoked = a, current, revoked
	if _, err := variantsNote(&doc, s, nil); err != nil {
		return err
	}
	if len(revoked) > 0 {
		doc.Target = target
	}
	doc.Stats, doc.IdleMembers = assign.StatsOf(s, a)
	for _, other := range o.Compare {
		if other == s.Assignor {
			continue // each assignor is one column
		}
		cs := s
		cs.Assignor = other
		ca, err := assign.Assign(cs)
		if err != nil {
			return err
		}
		st, idle := assign.StatsOf(cs, ca)
		doc.Compare = append(doc.Compare, assign.CompareTo{Assignor: cs.Assignor, Client: cs.Client, Assignment: ca, Stats: st, IdleMembers: idle})
		doc.Notes = append(doc.Notes, assign.Notes(cs)...)
	}
	return p.Assign(doc)
}

// variantsNote says when the flavour's result is one of several for the
// same input (kgo's sticky balancers with several topics).
func variantsNote(doc *assign.Doc, s assign.Scenario, ch *assign.Change) (int, error) {
	const runs = 8
	n, err := assign.Variants(s, ch, runs)
	if err != nil || n <= 1 {
		return n, err
	}
	doc.Notes = append(doc.Notes, fmt.Sprintf("franz-go's sticky balancer numbers topics in Go map iteration order (internal/sticky: newBalancer ranges over the topics map), so this input gave %d different assignments in %d runs: the leader's plan is one of them", n, runs))
	return n, nil
}

// applyRacks sets members' racks from --rack; a member that is not in the
// group is an input error.
func applyRacks(s *assign.Scenario, racks map[string]string) error {
	for member, rack := range racks {
		found := false
		for i := range s.Members {
			if s.Members[i].ID == member {
				r := rack
				s.Members[i].Rack, found = &r, true
			}
		}
		if !found {
			ids := make([]string, 0, len(s.Members))
			for _, m := range s.Members {
				ids = append(ids, m.ID)
			}
			return flagErrorf("--rack %s=%s: no such member (members: %s)", member, rack, strings.Join(ids, ", "))
		}
	}
	return nil
}
