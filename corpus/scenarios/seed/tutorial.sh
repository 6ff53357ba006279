#!/bin/bash

# Create two network namespaces
sudo ip netns add 'test-1'
sudo ip netns add 'test-2'

# Create a veth virtual-interface pair
sudo ip link add 'myns-1-eth0' type veth peer name 'myns-2-eth0'

# Assign the interfaces to the namespaces
sudo ip link set 'myns-1-eth0' netns 'test-1'
sudo ip link set 'myns-2-eth0' netns 'test-2'

# Change the names of the interfaces (I prefer to use standard interface names)
sudo ip netns exec 'test-1' ip link set 'myns-1-eth0' name 'eth0'
sudo ip netns exec 'test-2' ip link set 'myns-2-eth0' name 'eth0'

# Assign an address to each interface
sudo ip netns exec 'test-1' ip addr add 192.168.1.1/24 dev eth0
sudo ip netns exec 'test-2' ip addr add 192.168.2.1/24 dev eth0

# Bring up the interfaces (the veth interfaces and the loopback interfaces)
sudo ip netns exec 'test-1' ip link set 'lo' up
sudo ip netns exec 'test-1' ip link set 'eth0' up
sudo ip netns exec 'test-2' ip link set 'lo' up
sudo ip netns exec 'test-2' ip link set 'eth0' up

# Configure routes
sudo ip netns exec 'test-1' ip route add default via 192.168.1.1 dev eth0
sudo ip netns exec 'test-2' ip route add default via 192.168.2.1 dev eth0
