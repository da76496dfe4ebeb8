"""A simulated Zigbee radio for zigpy: real ZCL/ZDO frames from simulated devices, no hardware."""
