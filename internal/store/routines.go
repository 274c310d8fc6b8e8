package store

import (
	"context"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// RoutineStore keeps two of the five routines: meetings (例会) with their
// attendance and action items, and trainings (培训) with attendance and files.
type RoutineStore interface {
	CreateMeeting(ctx context.Context, m *Meeting) error       // sets ID and Created
	GetMeeting(ctx context.Context, id int64) (Meeting, error) // with attendance and partner orgs
	ListMeetings(ctx context.Context, q MeetingQuery) ([]Meeting, error)
	// RecordMeeting replaces the attendance and partner orgs, sets the
	// minutes and marks the meeting held, in one transaction.
	RecordMeeting(ctx context.Context, m Meeting) error
	AddMeetingItem(ctx context.Context, it *MeetingItem) error // sets ID and Created
	GetMeetingItem(ctx context.Context, id int64) (MeetingItem, error)
	// CloseMeetingItem marks an open item done; ErrStale when already done.
	CloseMeetingItem(ctx context.Context, id, by int64, at time.Time, note string) error
	ListMeetingItems(ctx context.Context, q MeetingItemQuery) ([]MeetingItem, error)
	// RoutineStaff are the active users bound with one of roles to a unit
	// within one of the path prefixes, each once, by display name.
	RoutineStaff(ctx context.Context, prefixes []string, roles []domain.Role) ([]Staff, error)

	CreateTraining(ctx context.Context, t *Training) error       // sets ID and Created; stores t.Attendees
	GetTraining(ctx context.Context, id int64) (Training, error) // with attendees
	ListTrainings(ctx context.Context, q TrainingQuery) ([]Training, error)
	SetTrainingAttendance(ctx context.Context, trainingID int64, userIDs []int64) error
	AddTrainingFile(ctx context.Context, f *TrainingFile) error // sets ID, Size and Created
	GetTrainingFile(ctx context.Context, trainingID, id int64) (TrainingFile, error)
	ListTrainingFiles(ctx context.Context, trainingID int64) ([]TrainingFile, error) // without data
	// TrainingMinutes sums the attended minutes per user over trainings held
	// from..to (YYYY-MM-DD, inclusive); users without any are absent.
	TrainingMinutes(ctx context.Context, userIDs []int64, from, to string) (map[int64]int, error)
	GetTrainingMinimum(ctx context.Context, committeeID int64) (int, error) // ErrNotFound when never set
	PutTrainingMinimum(ctx context.Context, committeeID int64, minutes int) error
}

// Meeting kinds.
const (
	MeetingCommittee = "committee" // monthly committee meeting
	MeetingRoom      = "room"      // weekly room meeting
	MeetingJoint     = "joint"     // 联席会议 with partner units
)

// Meeting is one meeting of a committee or room.
type Meeting struct {
	ID        int64
	UnitID    int64
	UnitPath  string
	UnitName  string // filled on reads
	Kind      string
	Day       string // YYYY-MM-DD
	Title     string
	Location  string
	Agenda    string // JSON snapshot taken when scheduled
	Minutes   string
	Held      bool
	CreatedBy int64
	Created   time.Time
	HeldAt    *time.Time
	HeldBy    int64
	// Filled by GetMeeting (and written by RecordMeeting).
	Attendance []Attendance
	Orgs       []OrgRef
}

// Attendance is one person at (or absent from) a meeting.
type Attendance struct {
	UserID  int64
	Name    string // filled on reads
	Present bool
	Reason  string // why absent
}

// OrgRef names an org unit.
type OrgRef struct {
	ID   int64
	Name string
	Kind domain.OrgKind
}

// MeetingQuery selects meetings within path prefixes (none: nothing).
type MeetingQuery struct {
	Prefixes []string
	From, To string // day range, inclusive; empty: open
	Kind     string
	Limit    int  // 0: 200
	Soonest  bool // earliest day first (the week ahead), else the newest first
	// Past continues the list past this meeting (its day and id), in the
	// list's order: the meetings page's next page.
	Past *DayCursor
}

// MeetingItem is an action item decided at a meeting.
type MeetingItem struct {
	ID         int64
	MeetingID  int64
	Body       string
	OwnerID    int64
	OwnerName  string // filled on reads
	Due        string // YYYY-MM-DD
	CaseID     int64
	CaseNumber string // filled on reads
	Done       bool
	DoneBy     int64
	DoneByName string
	DoneAt     *time.Time
	DoneNote   string
	Created    time.Time
	// Of the meeting, filled on reads.
	MeetingDay   string
	MeetingTitle string
	UnitPath     string
}

// MeetingItemQuery selects action items; zero fields do not filter, but
// Prefixes (when not nil) limit to meetings within them.
type MeetingItemQuery struct {
	MeetingID int64
	CaseID    int64
	OwnerID   int64
	Prefixes  []string
	OpenOnly  bool
	DueBefore string // due < this day
	// After continues a list in its order (due, then id) past this item:
	// the warning sweep reads every overdue item a page at a time.
	After *DayCursor
	Limit int // 0: 500
}

// Staff is a user bound to a unit.
type Staff struct {
	UserID   int64
	Name     string
	Role     domain.Role
	UnitID   int64
	UnitName string
	UnitPath string
}

// Training is one training session.
type Training struct {
	ID            int64
	UnitID        int64
	UnitPath      string
	UnitName      string // filled on reads
	Topic         string
	Organiser     string
	OrganiserID   int64
	OrganiserName string // filled on reads
	Day           string
	Minutes       int
	Location      string
	CreatedBy     int64
	Created       time.Time
	Attendees     []Staff // UserID and Name; filled by GetTraining
	Attended      int     // filled by ListTrainings
}

// TrainingQuery selects trainings within path prefixes.
type TrainingQuery struct {
	Prefixes []string
	From, To string
	Limit    int  // 0: 200
	Soonest  bool // earliest day first (the week ahead), else the newest first
	// Past continues the list past this training (its day and id), in the
	// list's order: the trainings page's next page.
	Past *DayCursor
}

// Training file kinds.
const (
	TrainingMaterial    = "material"
	TrainingCertificate = "certificate"
)

// TrainingFile is a material or a certificate of a training. Data is filled
// only by GetTrainingFile.
type TrainingFile struct {
	ID          int64
	TrainingID  int64
	Kind        string
	UserID      int64 // whose certificate
	UserName    string
	Name        string
	ContentType string
	Size        int64
	SHA256      string
	Data        []byte
	UploadedBy  int64
	Created     time.Time
}
