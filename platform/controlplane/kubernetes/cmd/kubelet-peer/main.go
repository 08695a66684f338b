// kubelet-peer is the kubelet side of the device plugin protocol, built from the kubelet's
// own packages (k8s.io/kubernetes/pkg/kubelet/cm/devicemanager/plugin/v1beta1), so that
// kubehpc's device plugin is tested against the real registration server and plugin client
// rather than a re-implementation. It is a test peer, not a kubelet: it keeps what it sees
// (registrations, device lists with topology) and forwards Allocate and
// GetPreferredAllocation calls on request.
//
// It serves a small HTTP API on loopback for tests:
//
//	GET  /state     registrations, connection state and the last device list per resource
//	POST /allocate  {"resource": "...", "containers": [["id", ...], ...]} → AllocateResponse
//	POST /preferred {"resource": "...", "containers": [{"available": [...], "mustInclude": [...], "size": n}]}
//	POST /restart   stops and starts the registration server as a kubelet restart does:
//	                the plugin sockets are wiped and kubelet.sock is created anew
//
// The first line on stdout is {"event":"listening","http":"127.0.0.1:port","socket":"..."};
// every later event (connected, devices, disconnected, restarted) is one JSON line too.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"k8s.io/klog/v2"
	api "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"
	plugin "k8s.io/kubernetes/pkg/kubelet/cm/devicemanager/plugin/v1beta1"
)

type device struct {
	ID     string  `json:"id"`
	Health string  `json:"health"`
	NUMA   []int64 `json:"numa"`
}

type resourceState struct {
	Registrations int                      `json:"registrations"`
	Connected     bool                     `json:"connected"`
	Options       *api.DevicePluginOptions `json:"options,omitempty"`
	Updates       int                      `json:"updates"`
	Devices       []device                 `json:"devices"`
	plugin        plugin.DevicePlugin
}

type peer struct {
	mu        sync.Mutex
	resources map[string]*resourceState
	restarts  int
	out       *json.Encoder
	outMu     sync.Mutex
}

func (p *peer) emit(event map[string]any) {
	p.outMu.Lock()
	defer p.outMu.Unlock()
	_ = p.out.Encode(event)
}

func (p *peer) state(resource string) *resourceState {
	s, ok := p.resources[resource]
	if !ok {
		s = &resourceState{Devices: []device{}}
		p.resources[resource] = s
	}
	return s
}

// CleanupPluginDirectory does what the kubelet's device manager does on start: removes every
// socket in the directory, so plugins must notice and register again.
func (p *peer) CleanupPluginDirectory(logger klog.Logger, dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, entry := range entries {
		path := filepath.Join(dir, entry.Name())
		info, err := os.Stat(path)
		if err != nil || info.IsDir() || info.Mode()&os.ModeSocket == 0 {
			continue
		}
		if err := os.RemoveAll(path); err != nil {
			return err
		}
	}
	return nil
}

func (p *peer) PluginConnected(ctx context.Context, resource string, dp plugin.DevicePlugin) error {
	options, err := dp.API().GetDevicePluginOptions(ctx, &api.Empty{})
	if err != nil {
		return fmt.Errorf("failed to get device plugin options: %v", err)
	}
	p.mu.Lock()
	s := p.state(resource)
	s.Registrations++
	s.Connected = true
	s.Options = options
	s.plugin = dp
	registrations := s.Registrations
	p.mu.Unlock()
	p.emit(map[string]any{"event": "connected", "resource": resource, "registrations": registrations, "options": options})
	return nil
}

func (p *peer) PluginDisconnected(_ klog.Logger, resource string) {
	p.mu.Lock()
	s := p.state(resource)
	s.Connected = false
	s.plugin = nil
	p.mu.Unlock()
	p.emit(map[string]any{"event": "disconnected", "resource": resource})
}

func (p *peer) PluginListAndWatchReceiver(_ klog.Logger, resource string, response *api.ListAndWatchResponse) {
	devices := make([]device, 0, len(response.Devices))
	for _, d := range response.Devices {
		numa := []int64{}
		if d.Topology != nil {
			for _, n := range d.Topology.Nodes {
				numa = append(numa, n.ID)
			}
		}
		devices = append(devices, device{ID: d.ID, Health: d.Health, NUMA: numa})
	}
	p.mu.Lock()
	s := p.state(resource)
	s.Devices = devices
	s.Updates++
	updates := s.Updates
	p.mu.Unlock()
	p.emit(map[string]any{"event": "devices", "resource": resource, "updates": updates, "devices": devices})
}

func (p *peer) pluginFor(resource string) (plugin.DevicePlugin, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.resources[resource]
	if !ok || s.plugin == nil {
		return nil, fmt.Errorf("no device plugin connected for resource %q", resource)
	}
	return s.plugin, nil
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func writeError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

func main() {
	dir := flag.String("dir", api.DevicePluginPath, "device plugin directory holding kubelet.sock")
	httpAddr := flag.String("http", "127.0.0.1:0", "loopback address of the test API")
	flag.Parse()

	logger := klog.Background()
	socket, err := filepath.Abs(filepath.Join(*dir, "kubelet.sock"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	p := &peer{resources: map[string]*resourceState{}, out: json.NewEncoder(os.Stdout)}
	server, err := plugin.NewServer(logger, socket, p, p)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := server.Start(logger); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /state", func(w http.ResponseWriter, _ *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"restarts": p.restarts, "resources": p.resources})
	})
	mux.HandleFunc("POST /allocate", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Resource   string     `json:"resource"`
			Containers [][]string `json:"containers"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		dp, err := p.pluginFor(body.Resource)
		if err != nil {
			writeError(w, http.StatusNotFound, err)
			return
		}
		request := &api.AllocateRequest{}
		for _, ids := range body.Containers {
			request.ContainerRequests = append(request.ContainerRequests, &api.ContainerAllocateRequest{DevicesIds: ids})
		}
		callCtx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		response, err := dp.API().Allocate(callCtx, request)
		if err != nil {
			writeError(w, http.StatusBadGateway, err)
			return
		}
		writeJSON(w, http.StatusOK, response)
	})
	mux.HandleFunc("POST /preferred", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Resource   string `json:"resource"`
			Containers []struct {
				Available   []string `json:"available"`
				MustInclude []string `json:"mustInclude"`
				Size        int32    `json:"size"`
			} `json:"containers"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		dp, err := p.pluginFor(body.Resource)
		if err != nil {
			writeError(w, http.StatusNotFound, err)
			return
		}
		request := &api.PreferredAllocationRequest{}
		for _, c := range body.Containers {
			request.ContainerRequests = append(request.ContainerRequests, &api.ContainerPreferredAllocationRequest{
				AvailableDeviceIDs:   c.Available,
				MustIncludeDeviceIDs: c.MustInclude,
				AllocationSize:       c.Size,
			})
		}
		callCtx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		response, err := dp.API().GetPreferredAllocation(callCtx, request)
		if err != nil {
			writeError(w, http.StatusBadGateway, err)
			return
		}
		writeJSON(w, http.StatusOK, response)
	})
	mux.HandleFunc("POST /restart", func(w http.ResponseWriter, _ *http.Request) {
		if err := server.Stop(logger); err != nil {
			writeError(w, http.StatusInternalServerError, err)
			return
		}
		if err := server.Start(logger); err != nil {
			writeError(w, http.StatusInternalServerError, err)
			return
		}
		p.mu.Lock()
		p.restarts++
		restarts := p.restarts
		p.mu.Unlock()
		p.emit(map[string]any{"event": "restarted", "restarts": restarts})
		writeJSON(w, http.StatusOK, map[string]int{"restarts": restarts})
	})

	listener, err := net.Listen("tcp", *httpAddr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	p.emit(map[string]any{"event": "listening", "http": listener.Addr().String(), "socket": socket})
	go func() { _ = http.Serve(listener, mux) }()

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	<-signals
	_ = server.Stop(logger)
}
