package console

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"egovdesk/app"
)

// RegisterBackend is what the register page needs of the bureau: the
// register of existing information systems (已建系统登记), whose systems
// join the similar-projects index, so a declaration that rebuilds one is
// flagged (避免重复建设).
type RegisterBackend interface {
	// Register returns the register as last imported.
	Register(ctx context.Context, token string) (Register, error)
	// ImportRegister replaces the register with the workbook data (an
	// .xlsx named name) and returns how many systems it holds. It fails
	// with EINVALID naming each bad row, and imports nothing then.
	ImportRegister(ctx context.Context, token, name string, data []byte) (int, error)
	// RegisterTemplate is the workbook to fill in.
	RegisterTemplate() ([]byte, error)
}

// Register is the register of existing systems.
type Register struct {
	Systems  []app.ExistingSystem
	Imported time.Time
	By       string // who imported it
	File     string // the workbook's name
}

// registerView is the register page: the register and the systems listed.
type registerView struct {
	Register
	Shown []app.ExistingSystem
}

// registerShown is how many systems the page lists.
const registerShown = 500

// maxRegisterUpload bounds an uploaded register with its form.
const maxRegisterUpload = 21 << 20

func (c *Console) registerRoutes(cop *http.CrossOriginProtection) {
	c.mux.Handle("GET /console/admin/register", c.authed(c.admin(c.registerPage)))
	c.mux.Handle("GET /console/admin/register/template.xlsx", c.authed(c.admin(c.registerTemplate)))
	c.mux.Handle("POST /console/admin/register", cop.Handler(c.authedLimit(c.admin(c.importRegister), maxRegisterUpload)))
}

func (c *Console) registerPage(w http.ResponseWriter, r *http.Request, s *session) {
	c.renderRegister(w, r, s, http.StatusOK, adminView{})
}

func (c *Console) renderRegister(w http.ResponseWriter, r *http.Request, s *session, status int, v adminView) {
	reg, err := c.b.Register(r.Context(), s.token)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	v.Data = registerView{Register: reg, Shown: reg.Systems[:min(len(reg.Systems), registerShown)]}
	c.renderAdmin(w, r, s, status, "admin-register", "已建系统登记", v)
}

func (c *Console) registerTemplate(w http.ResponseWriter, r *http.Request, s *session) {
	data, err := c.b.RegisterTemplate()
	if err != nil {
		c.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="register.xlsx"; filename*=UTF-8''%E5%B7%B2%E5%BB%BA%E7%B3%BB%E7%BB%9F%E7%99%BB%E8%AE%B0%E8%A1%A8.xlsx`)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

func (c *Console) importRegister(w http.ResponseWriter, r *http.Request, s *session) {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		c.renderRegister(w, r, s, http.StatusUnprocessableEntity, adminView{Err: formError{Message: "请选择要导入的登记表（.xlsx）",
			Fields: map[string]string{"file": "请选择文件"}}})
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	_, err = c.b.ImportRegister(r.Context(), s.token, hdr.Filename, data)
	if err == nil {
		redirectDone(w, r, "/console/admin/register", "register")
		return
	}
	if code := app.ErrorCode(err); code != app.EINVALID && code != app.ETOOLARGE {
		c.fail(w, r, err)
		return
	}
	c.renderRegister(w, r, s, http.StatusUnprocessableEntity, adminView{Err: formError{Message: app.ErrorMessage(err)},
		Extra: app.FieldErrors(err)})
}
