package app

// TrialReport is a trial-operation report (试运行报告).
type TrialReport struct {
	ProjectName string `json:"project_name"`
}

// Acceptance is a completion acceptance application (竣工验收申请).
type Acceptance struct {
	ProjectName string `json:"project_name"`
}
