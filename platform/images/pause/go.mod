// The pod sandbox ("pause") program of the real node's pause image: the process that holds a
// pod's namespaces while its containers come and go. No dependencies.
module kubehpc.dev/platform/images/pause

go 1.26.0
