package app

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"easyjob/internal/config"
	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// runUser: easyjob user create --username U --name N --role admin|officer [--region R]
// The password is read from EASYJOB_PASSWORD or, failing that, the first
// line of standard input, so it never appears in the process list.
func runUser(env Env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError{errors.New("usage: easyjob user create --username U --name N --role admin|officer [--region CODE]")}
	}
	fs := config.Quiet("user create", env.Stderr)
	cfg := config.FlagSet(fs, env.Getenv)
	var in store.NewUser
	var role string
	fs.StringVar(&in.Username, "username", "", "username")
	fs.StringVar(&in.Name, "name", "", "display name")
	fs.StringVar(&role, "role", "", "admin or officer")
	fs.StringVar(&in.Region, "region", "", "officer's region: 4403 (city), a Shenzhen district or an origin county code")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	in.Role = easyjob.Role(role)
	if in.Role != easyjob.RoleAdmin && in.Role != easyjob.RoleOfficer {
		return usageError{errors.New("--role must be admin or officer (employers register themselves)")}
	}
	in.Password = env.Getenv("EASYJOB_PASSWORD")
	if in.Password == "" && env.Stdin != nil {
		line, _ := bufio.NewReader(env.Stdin).ReadString('\n')
		in.Password = strings.TrimRight(line, "\r\n")
	}
	a, err := Open(env.Ctx, *cfg, newLogger(env.Stderr, "warn"))
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Store.CreateUser(env.Ctx, easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}, in)
	if err != nil {
		var de *easyjob.Error
		if errors.As(err, &de) && len(de.Fields) > 0 {
			for f, m := range de.Fields {
				return fmt.Errorf("%s: %s", f, a.Cat.Msg("en", m))
			}
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "created %s %q (id %d)\n", u.Role, u.Username, u.ID)
	return nil
}
