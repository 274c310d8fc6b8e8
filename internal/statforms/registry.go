package statforms

import (
	"slices"

	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/grading"
)

// RegistryCounters are what the registry source counts per unit type:
// units (organisations), mediators, full_time, part_time, unregistered
// (no registry row), and per education code E (grading.Educations) edu_E,
// ft_E (full-time) and pt_E (part-time).
func RegistryCounters() []string {
	out := []string{"units", "mediators", "full_time", "part_time", "unregistered"}
	for _, e := range grading.Educations {
		out = append(out, "edu_"+e.Code, "ft_"+e.Code, "pt_"+e.Code)
	}
	return out
}

// Member is one mediator as the registry form counts them: kind
// (full_time/part_time, "" without a registry row) and education code.
type Member struct {
	Registered      bool
	Kind, Education string
}

// CountMember adds one mediator to a group's registry counters.
func CountMember(c map[string]int64, m Member) {
	c["mediators"]++
	if !m.Registered {
		c["unregistered"]++
		return
	}
	prefix := ""
	switch m.Kind {
	case "full_time":
		c["full_time"]++
		prefix = "ft_"
	case "part_time":
		c["part_time"]++
		prefix = "pt_"
	}
	if grading.Known(grading.Educations, m.Education) {
		c["edu_"+m.Education]++
		if prefix != "" {
			c[prefix+m.Education]++
		}
	}
}

// KnownCounter says whether a counter exists in a source: the rollups'
// evaluation.Counters or RegistryCounters.
func KnownCounter(source, counter string) bool {
	switch source {
	case SourceRollups:
		return slices.Contains(evaluation.Counters, counter)
	case SourceRegistry:
		return slices.Contains(RegistryCounters(), counter)
	}
	return false
}
