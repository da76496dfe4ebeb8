"""Zigbee: the zha gateway, a simulated radio, and the mapping of zha entities to Obhut."""
