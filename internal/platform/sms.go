package platform

import (
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/notify"
)

// smsQueue registers the SMS worker on the job queue and returns the sender
// every service uses: each message becomes an outbox row and an "sms" job
// in one transaction, delivered later by c.SMSDeliverer (nil: the outbox
// alone, as in the demo).
func smsQueue(c Config, q *jobs.Queue) *notify.Queue {
	d := c.SMSDeliverer
	if d == nil {
		// Nothing leaves the platform; the outbox page still shows links and
		// codes masked (separated duties: the administrator reads no party link).
		d = &notify.OutboxDeliverer{Log: c.Log, Signature: c.SMSSignature}
	}
	jobs.Register(q, &notify.Worker{Store: c.Store, Sealer: c.Sealer, Deliverer: d, Log: c.Log})
	return &notify.Queue{Store: c.Store, Jobs: q, Sealer: c.Sealer, Signature: c.SMSSignature, Log: c.Log}
}
