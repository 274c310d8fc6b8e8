package domain

// FileFacts are what the case file checklist looks at.
type FileFacts struct {
	Status          Status // the status being archived from
	Consented       bool   // both parties' consent is on file
	IDRecorded      bool
	SessionsHeld    int
	HasAgreement    bool
	AllPerformed    bool // every term of the agreement performed, with proof
	FollowUpDone    bool
	NoticeDelivered bool // termination notice delivered
	Withdrawn       bool
	Rejected        bool
	Mediated        bool // the case reached mediation
	JudicialApplied bool // a judicial-confirmation application was filed
	JudicialDecided bool // …and the court has confirmed or rejected it
	EvidenceFiles   int  // evidence uploaded in online mediation
}

// FileItem is one document of the case file (卷宗).
type FileItem struct {
	Name     string
	Required bool
	Present  bool
}

// CaseFile lists the documents a case file needs for its outcome; the case
// can be archived only when every required one is present. A filed
// judicial-confirmation application must have the court's ruling first.
func CaseFile(f FileFacts) []FileItem {
	items := []FileItem{{Name: "受理登记表", Required: true, Present: true}}
	if f.Rejected {
		return append(items, FileItem{Name: "不予受理通知书", Required: true, Present: true}, FileItem{Name: "卷宗封底", Required: true, Present: true})
	}
	items = append(items,
		FileItem{Name: "当事人权利义务告知书及调解意愿确认", Required: !f.Withdrawn, Present: f.Consented},
		FileItem{Name: "当事人身份证明", Required: false, Present: f.IDRecorded})
	if f.Mediated {
		items = append(items, FileItem{Name: "调解笔录", Required: true, Present: f.SessionsHeld > 0})
	}
	switch {
	case f.HasAgreement:
		items = append(items,
			FileItem{Name: "调解协议书", Required: true, Present: true},
			FileItem{Name: "履行凭证", Required: true, Present: f.AllPerformed},
			FileItem{Name: "回访记录", Required: true, Present: f.FollowUpDone})
	case f.Withdrawn:
		items = append(items, FileItem{Name: "撤回申请记录", Required: true, Present: true})
	default:
		items = append(items, FileItem{Name: "终止调解告知书及送达记录", Required: true, Present: f.NoticeDelivered})
	}
	items = append(items, FileItem{Name: "证据材料", Required: false, Present: f.EvidenceFiles > 0}, FileItem{Name: "司法确认材料", Required: f.JudicialApplied, Present: f.JudicialDecided},
		FileItem{Name: "卷宗封底", Required: true, Present: true})
	return items
}

// FileComplete reports whether every required item is present, and names the missing ones.
func FileComplete(items []FileItem) (bool, []string) {
	var missing []string
	for _, it := range items {
		if it.Required && !it.Present {
			missing = append(missing, it.Name)
		}
	}
	return len(missing) == 0, missing
}
