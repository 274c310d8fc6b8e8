package alerting

import (
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

func shanghai() *time.Location { return calendar.Shanghai() }
