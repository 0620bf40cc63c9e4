package dev.keybound.host;

import dev.keybound.DeviceInfo;

/** A scriptable {@link DeviceInfo}: defaults to an API 33 phone with StrongBox and Class 3 biometrics. */
public final class HostDeviceInfo implements DeviceInfo {
    private volatile int apiLevel = 33;
    private volatile int strongStatus = 0;
    private volatile boolean secure = true;
    private volatile boolean strongBox = true;
    private volatile String failNext;

    /** Sets what the device reports. */
    public void set(int apiLevel, int strongStatus, boolean secure, boolean strongBox) {
        this.apiLevel = apiLevel;
        this.strongStatus = strongStatus;
        this.secure = secure;
        this.strongBox = strongBox;
    }

    /** The next {@link #apiLevel()} throws IllegalStateException with this message. */
    public void failNextCall(String message) {
        failNext = message;
    }

    @Override
    public int apiLevel() {
        String fail = failNext;
        if (fail != null) {
            failNext = null;
            throw new IllegalStateException(fail);
        }
        return apiLevel;
    }

    @Override
    public int strongBiometricStatus() {
        return strongStatus;
    }

    @Override
    public boolean isDeviceSecure() {
        return secure;
    }

    @Override
    public boolean hasStrongBox() {
        return strongBox;
    }
}
